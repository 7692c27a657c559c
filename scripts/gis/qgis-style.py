#!/usr/bin/python3
"""Opens the atlas as QGIS does: a vector tile connection with our Style URL.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/gis/qgis-style.py http://127.0.0.1:3000 out.png [lang]

Needs Debian's python3-qgis (QGIS 3.22 in Debian 12): it is a check by hand of
docs/gis-clients.md, not part of `npm test`. It loads /styles/atlas.json into a
QgsVectorTileLayer through QGIS's own converter (QgsMapBoxGlStyleConverter),
prints what QGIS made of each style layer (its filter as a QGIS expression,
empty when QGIS could not read it) and the converter's warnings, and renders
the northern border provinces to a PNG.
"""
import math
import os
import sys

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import (  # noqa: E402
    QgsApplication, QgsCoordinateReferenceSystem, QgsDataSourceUri, QgsMapRendererParallelJob,
    QgsMapSettings, QgsRectangle, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QEventLoop, QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def mercator(lon, lat):
    return lon * 20037508.34 / 180, math.log(math.tan((90 + lat) * math.pi / 360)) * 6378137


def main(base, out, lang='vi'):
    app = QgsApplication([], False)
    app.initQgis()
    uri = QgsDataSourceUri()
    uri.setParam('type', 'xyz')
    uri.setParam('url', f'{base}/tiles/all/{{z}}/{{x}}/{{y}}.mvt')
    uri.setParam('zmin', '0')
    uri.setParam('zmax', '14')
    uri.setParam('styleUrl', f'{base}/styles/atlas.json?lang={lang}')
    layer = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), 'Border Atlas')
    if not layer.isValid():
        sys.exit(f'QGIS could not open the tiles of {base}')
    message, ok = layer.loadDefaultStyle()
    print(f'style loaded: {ok} {message}'.rstrip())
    for s in layer.renderer().styles():
        print(f'  draw  {s.styleName():32} layer={s.layerName() or "(every layer)":18} filter={s.filterExpression()!r}')
    for s in layer.labeling().styles() if layer.labeling() else []:
        text = s.labelSettings().fieldName
        print(f'  label {s.styleName():32} layer={s.layerName() or "(every layer)":18} text={text!r}'
              f' zoom={s.minZoomLevel()}..{s.maxZoomLevel()} filter={s.filterExpression()!r}')
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:3857'))
    settings.setBackgroundColor(QColor('white'))
    settings.setOutputSize(QSize(1200, 900))
    settings.setExtent(QgsRectangle(*mercator(102.5, 20.5), *mercator(108.5, 23.5)))
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    loop.exec_()
    job.renderedImage().save(out)
    errors = [e.message for e in job.errors()]
    print(f'rendered {out}; errors: {errors or "none"}')
    app.exitQgis()


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:4])
