/**
 * Vietnamese first, English second. Place names are never translated: they
 * keep their diacritics in both languages (Mường Nhà, not Muong Nha).
 *
 * The page's own words are here; the names of layer properties and of their
 * values come from the server (each collection's `properties`, from the
 * layer registry), read once at start by useLabels().
 *
 *   t('layers')                      // 'Lớp bản đồ' | 'Layers'
 *   valueLabel('category', 'market') // 'Chợ' | 'Market'
 */
import type { Collection, Label } from './api.ts';

export type Lang = 'vi' | 'en';

const vi = {
  title: 'Border Atlas',
  tagline: 'Hạ tầng và đầu tư vùng núi, biên giới, hải đảo',
  layers: 'Lớp bản đồ',
  filters: 'Bộ lọc',
  border: 'Biên giới',
  stats: 'Thống kê',
  search: 'Tìm địa danh',
  searchPlaceholder: 'Tìm xã, tỉnh, dự án… (có dấu hoặc không)',
  noResults: 'Không tìm thấy',
  until: 'đến',
  nowIn: 'nay là',
  formerly: 'gồm',
  inView: 'trong khung nhìn',
  years: 'Năm',
  yearFrom: 'Từ năm',
  yearTo: 'Đến năm',
  minInvestment: 'Vốn tối thiểu (tỷ đồng)',
  clearFilters: 'Bỏ lọc',
  filteredHint: 'Bộ lọc áp dụng cho: {layers}.',
  clusterHint: 'Ở mức thu phóng này các điểm được gộp nhóm; kết quả lọc được vẽ từ danh sách đã lọc.',
  distance: 'Khoảng cách tới biên giới',
  within: 'Trong phạm vi',
  off: 'Tắt',
  km: 'km',
  nearBorderTotal: '{n} đối tượng, tổng vốn {v}',
  loading: 'Đang tải…',
  unavailable: 'Chưa có dữ liệu: {e}',
  investmentByProvince: 'Vốn đầu tư theo tỉnh',
  investmentByCategory: 'Vốn đầu tư theo loại',
  investmentByBand: 'Vốn đầu tư theo khoảng cách tới biên giới',
  bnVnd: 'tỷ đồng',
  projectsCount: '{n} dự án',
  export: 'Xuất dữ liệu',
  exportGeojson: 'GeoJSON',
  exportCsv: 'CSV',
  exportHint: 'Xuất các dự án đang hiển thị (theo bộ lọc và khoảng cách).',
  exported: 'Đã xuất {n}',
  period: 'Thời gian',
  sources: 'Nguồn',
  figures: 'Số liệu khác',
  details: 'Chi tiết',
  language: 'English',
  languageTitle: 'Switch to English',
  panel: 'Bảng điều khiển',
  close: 'Đóng',
  legendAll: 'Tất cả',
  noData: 'Không có số liệu',
  total: 'Tổng',
  count: 'Số lượng',
  // Editing (client/sign-in.ts, editor.ts, edit-form.ts, conflict.ts)
  signIn: 'Đăng nhập',
  signInToken: 'Mã truy cập (token)',
  signInHint:
    'Dán mã do quản trị viên cấp (npm run token -- create). Mã được giữ trong cookie của phiên, không lưu trên trang.',
  signInFailed: 'Không đăng nhập được: {e}',
  signedInAs: 'Đang đăng nhập: {name} ({role})',
  signedInViewer: 'Tài khoản chỉ được xem, không được sửa dữ liệu.',
  signOut: 'Đăng xuất',
  roleAdmin: 'quản trị',
  roleEditor: 'biên tập',
  roleViewer: 'chỉ xem',
  editAdd: 'Thêm dự án',
  editAddTitle: 'Dự án mới',
  editPickPoint: 'Bấm vào bản đồ tại vị trí của dự án.',
  editCreated: 'Đã thêm “{name}”.',
  editSaved: 'Đã lưu.',
  editRefused: 'Máy chủ không nhận ({status}): {detail}',
  editNeedSource: 'Hãy chọn một nguồn hoặc thêm nguồn mới.',
  editNothing: 'Chưa có gì thay đổi.',
  editFactsTitle: 'Sửa thông tin: {name}',
  editMoveTitle: 'Di chuyển: {name}',
  editReshapeTitle: 'Sửa hướng tuyến: {name}',
  editDragHint: 'Kéo điểm tới vị trí mới rồi bấm Lưu.',
  editReshapeHint: 'Kéo các đỉnh của tuyến (hoặc điểm giữa để thêm đỉnh) rồi bấm Lưu.',
  editCannotDraw: 'Đối tượng này không sửa hình dạng trên bản đồ được.',
  editDelete: 'Xóa',
  editDeleteConfirm: 'Xóa “{name}”? Bản ghi lịch sử vẫn được giữ.',
  editDeleted: 'Đã xóa “{name}”.',
  editCancel: 'Hủy',
  editSave: 'Lưu',
  editFacts: 'Sửa thông tin',
  editMove: 'Di chuyển',
  editReshape: 'Sửa hướng tuyến',
  editLast: 'Sửa lần cuối bởi {who} lúc {when}',
  editDiscarded: 'Đã bỏ thay đổi của bạn; đang hiển thị bản hiện tại.',
  editConflictTitle: 'Dữ liệu đã bị người khác sửa',
  editConflictText: 'Trong lúc bạn sửa, đối tượng đã được lưu bởi người khác. So sánh từng trường rồi chọn:',
  editField: 'Trường',
  editYours: 'Của bạn',
  editCurrent: 'Hiện tại',
  editReapply: 'Áp dụng lại thay đổi của tôi',
  editDiscard: 'Bỏ thay đổi của tôi',
  editNameVi: 'Tên (tiếng Việt)',
  editNameEn: 'Tên (tiếng Anh)',
  editStartYear: 'Năm bắt đầu',
  editEndYear: 'Năm kết thúc',
  editQualifier: 'Cách nêu số vốn',
  editUnknown: 'Chưa rõ vốn',
  editDetails: 'Chi tiết ({kind})',
  editSource: 'Nguồn',
  editSourcePick: '— chọn nguồn —',
  editSourceNew: '+ Thêm nguồn mới',
  editSourceTitle: 'Tiêu đề bài viết',
  editSourceUrl: 'Địa chỉ (URL)',
  editSourcePublisher: 'Nơi đăng',
  editInside: 'chứa điểm này',
  editExact: 'chính xác',
  // Ingestion's review (client/review.ts)
  reviewOpen: 'Nhập bài báo',
  reviewTitle: 'Nhập bài báo',
  reviewHint:
    'Dán bài báo (văn bản hoặc HTML). Các địa danh, số liệu và dự án được đề xuất để bạn duyệt trước khi ghi vào bản đồ.',
  reviewArticleTitle: 'Tiêu đề bài báo',
  reviewUrl: 'Địa chỉ (URL)',
  reviewPublisher: 'Nơi đăng',
  reviewPublished: 'Ngày đăng',
  reviewLang: 'Ngôn ngữ',
  reviewLangAuto: 'Tự nhận biết',
  reviewText: 'Nội dung (văn bản hoặc HTML)',
  reviewRead: 'Đọc bài',
  reviewReading: 'Đang đọc bài…',
  reviewFailed: 'Không đọc được bài ({status}): {detail}',
  reviewArticle: 'Bài báo',
  reviewCandidates: 'Đề xuất',
  reviewCount: '{n} đề xuất, {existing} đã có trong bản đồ',
  reviewNew: 'Mới',
  reviewExisting: 'Đã có trong bản đồ',
  reviewAccepted: 'Đã nhận',
  reviewRejected: 'Đã bỏ',
  reviewChanges: 'Đề xuất cập nhật:',
  reviewNoChanges: 'Không có gì khác với bản đồ.',
  reviewName: 'Tên',
  reviewCategory: 'Loại',
  reviewPlace: 'Địa điểm',
  reviewNoPlace: 'chưa xác định',
  reviewFixPlace: 'Sửa địa điểm',
  reviewPlaceSearch: 'Tìm xã, phường, tỉnh…',
  reviewNoSeat: '{name} chưa có tọa độ: điểm trên bản đồ giữ nguyên.',
  reviewSeatOf: 'trung tâm {name}',
  reviewIndicator: 'Chỉ số',
  reviewValue: 'Giá trị',
  reviewUnit: 'Đơn vị',
  reviewYear: 'Năm',
  reviewPick: 'Chọn',
  reviewAccept: 'Nhận',
  reviewReject: 'Bỏ',
  reviewUndo: 'Hoàn tác',
  reviewSplit: 'Tách',
  reviewMerge: 'Gộp với…',
  reviewAcceptSelected: 'Nhận mục đã chọn',
  reviewAcceptAll: 'Nhận tất cả',
  reviewNothingPicked: 'Chưa chọn mục nào.',
  reviewSaved: 'Đã ghi {n} mục vào bản đồ, trích nguồn “{title}”.',
  reviewStale: 'Bản đồ đã thay đổi từ lúc đọc bài: hãy đọc lại bài rồi duyệt lại.',
  reviewSplitName: '{name} (phần 2)',
  unitBnVnd: 'tỷ đồng',
  unitMnVnd: 'triệu đồng',
  unitTnVnd: 'nghìn tỷ đồng',
  unitM2: 'm²',
  unitHa: 'ha',
  unitKm2: 'km²',
  // h14-find: search, stacked features, the "in view" list, phone sheet, accessibility
  clusterOf: 'Nhóm {n} điểm',
  stackHere: '{n} đối tượng tại đây',
  stackOthers: 'Cùng chỗ này còn {n} đối tượng khác',
  zoomHere: 'Phóng to chỗ này',
  inViewList: 'Đối tượng trong khung nhìn',
  inViewMore: 'Còn {n} đối tượng nữa: phóng to để xem',
  searchResults: 'Kết quả tìm kiếm',
  searchHit: 'Vị trí tìm thấy',
  formerUnit: '{old} (đến {date}) nay thuộc {now}.',
  formerUnitUnknown: '{old} chỉ tồn tại đến {date}; chưa rõ nay thuộc đơn vị nào.',
  sameNameBefore: 'cùng tên trước 2025: mã {code}',
  showPanel: 'Mở bảng điều khiển',
  hidePanel: 'Thu gọn bảng điều khiển',
  // h14-carto
  copyLink: 'Chép liên kết',
  copyLinkTitle: 'Chép địa chỉ của bản đồ này (khung nhìn, lớp, bộ lọc, đối tượng đang chọn)',
  copied: 'Đã chép',
  copyFailed: 'Không chép được: hãy chép địa chỉ trong ô bên dưới',
  copy: 'Chép',
  linksTitle: 'Mở trong QGIS / GDAL / MapLibre',
  linksTiles: 'Mẫu địa chỉ ô bản đồ vector (MVT)',
  linksTilesHow: 'QGIS: Lớp ▸ Thêm lớp ▸ Thêm lớp ô vector ▸ Mới (kết nối chung), dán vào ô URL.',
  linksTileJson: 'TileJSON',
  linksTileJsonHow: 'GDAL: ogrinfo MVT:<địa chỉ này>; MapLibre: nguồn vector với url là địa chỉ này.',
  linksStyle: 'Kiểu bản đồ (Style URL)',
  linksStyleHow:
    'QGIS: cùng kết nối ô vector, ô "Style URL"; MapLibre: new maplibregl.Map({ style: <địa chỉ này> }).',
  linksOgc: 'OGC API - Features',
  linksOgcHow: 'QGIS: Thêm lớp WFS / OGC API - Features, URL này; GDAL: ogrinfo OAPIF:<địa chỉ này>.',
  linksItems: 'Đối tượng của lớp «{layer}» trong khung nhìn',
  linksItemsHow: 'GeoJSON; GDAL: ogr2ogr -f GPKG ra.gpkg "<địa chỉ này>".',
  choroTitle: 'Tô màu theo số liệu',
  choroNone: 'Không tô màu',
  choroUnits: 'Đơn vị',
  choroFigure: 'Số liệu',
  choroInvestment: 'Vốn đầu tư (tỷ đồng)',
  choroProjects: 'Số dự án',
  choroDensity: 'Dự án trên 1.000 km²',
  choroBorder: 'Chiều dài biên giới (km)',
  choroUnknown: 'Chưa rõ',
  choroLoading: 'Đang tải số liệu…',
  choroNote: '{known} trên {total} đơn vị có số liệu',
  choroLowerBound: 'Vốn chỉ tính các dự án có nêu số vốn.',
  // h14-filters (G2): one filter state, unknown investment, export, language, precision
  pageTitle: 'Border Atlas · Bản đồ vùng biên giới',
  projectsCount_other: '{n} dự án',
  unknownInvestment_other: '{n} chưa rõ vốn',
  unknownInvestmentValue: 'chưa rõ',
  unknownShort: 'chưa rõ',
  featuresCount_other: '{n} đối tượng',
  inViewCount: '{n} trong khung nhìn',
  activeFilters: 'Đang lọc',
  removeFilter: 'Bỏ bộ lọc {what}',
  badgeYears: 'Năm {from}–{to}',
  badgeMin: 'Vốn ≥ {v} tỷ đồng',
  badgeKm: 'Cách biên giới ≤ {km} km',
  exportView: 'Những gì đang thấy',
  exportAll: 'Tất cả kết quả lọc',
  exportScope: 'Phạm vi',
  exportViewHint: 'Trong khung nhìn hiện tại, theo bộ lọc và khoảng cách.',
  exportAllHint: 'Mọi nơi, theo bộ lọc và khoảng cách.',
  exportTitle: 'Border Atlas: dữ liệu xuất',
  nearBorderSummary: '{features}; {projects}, tổng vốn đã biết {v}',
  uncertainty: 'Vùng sai số vị trí',
  provinceFigures: 'Số liệu của tỉnh',
  borderLength: 'Chiều dài biên giới',
  investmentKnown: 'Vốn đầu tư (đã biết)',
  indicatorsTitle: 'Chỉ tiêu',
  // stats-rollup: statistics by 2025 units, with the units before the reform
  communeFigures: 'Số liệu của xã',
  before2025: 'trước 2025: {unit}',
  before2025Part: 'trước 2025: một phần {unit}',
  sharedProjects: 'Dự án chung với xã khác (đơn vị cũ đã chia)',
  investmentByCommune: 'Theo xã, phường (đơn vị 2025)',
  communeUnit: 'Xã, phường',
  splitBetween: 'Chia cho: {names}',
  fedBy: 'Trước 2025',
  choroSplit: '{n} dự án của đơn vị cũ chia cho nhiều xã không tô màu.',
  // lead
  sourceUnrecorded: 'bản chúng tôi lưu không ghi báo đăng và địa chỉ',
  openPmtiles: 'Mở tệp bản đồ ngoại tuyến (.pmtiles)',
  chooseFile: 'Chọn tệp…',
  noFileChosen: 'Chưa chọn tệp',
  pmtilesOpened: '{name}: đã mở',
  pmtilesFailed: '{name}: không mở được ({e})',
  // h14-tools: the map's tools (table, time slider, measure, print)
  toolsLabel: 'Công cụ bản đồ',
  toolTable: 'Bảng',
  toolTimeline: 'Thời gian',
  toolMeasure: 'Đo',
  toolPrint: 'In',
  toolClose: 'Đóng',
  tableCount: '{n} đối tượng theo bộ lọc',
  colName: 'Tên',
  colKind: 'Loại',
  colProvince: 'Tỉnh',
  colInvestment: 'Vốn đầu tư',
  colYears: 'Năm',
  colDistance: 'Cách biên giới',
  timelineYear: 'Năm',
  timelineOnly: 'Chỉ năm này',
  timelineSpeed: 'Tốc độ',
  timelineBack: 'Năm trước',
  timelineNext: 'Năm sau',
  timelinePlay: 'Chạy',
  timelinePause: 'Dừng',
  timelineAll: 'Mọi năm',
  timelineAllYears: 'Mọi năm',
  timelineUpTo: 'đến {y}',
  timelineNone: 'Không có dự án nào có năm.',
  measureDistance: 'Khoảng cách',
  measureArea: 'Diện tích',
  measureClear: 'Xoá',
  measureHint: 'Bấm lên bản đồ để thêm điểm.',
  measureKm: 'Khoảng cách: {km} km',
  measureAreaValue: 'Diện tích: {km2} km² ({ha} ha)',
  bandTitle: 'Vùng đệm quanh một đối tượng',
  bandPick: 'Chọn đối tượng trên bản đồ',
  bandPicked: 'Quanh: {name}',
  bandPickHint: 'Bấm vào một đối tượng (cửa khẩu, đường, chợ…).',
  bandKm: 'Bán kính (km)',
  bandBadKm: 'Bán kính phải từ 0,1 đến 500 km.',
  bandCount: '{n} đối tượng trong vòng {km} km quanh {name}',
  printHeading: 'Border Atlas · Bản đồ vùng biên giới',
  printLegend: 'Chú giải',
  printFilters: 'Bộ lọc',
  printNoFilters: 'Không lọc',
  printSources: 'Nguồn',
  printMoreSources: 'và {n} nguồn khác',
  printCredit: 'Dữ liệu lấy từ OpenStreetMap: © những người đóng góp OpenStreetMap, giấy phép ODbL 1.0.',
  printPdf: 'Tải PDF',
  printPng: 'Tải ảnh PNG',
  printHint: 'Một trang A4 ngang: bản đồ đang thấy, chú giải, thước tỷ lệ, bộ lọc và nguồn.',
  printWorking: 'Đang tạo…',
  printDone: 'Đã tạo xong.',
  // map-polish: distances as a planner reads them, filtered choropleths, the tools' sheet on a phone
  distanceLocation: 'vị trí ± {u}',
  distanceApproximate: 'vị trí ước lượng',
  distanceSchematic: 'vị trí theo sơ đồ',
  choroFiltered: 'Theo bộ lọc: {filters}.',
  choroUnfiltered: 'Không phụ thuộc bộ lọc.',
  toolsSheet: 'Công cụ đang mở',
  showTools: 'Mở rộng công cụ',
  hideTools: 'Thu gọn công cụ',
};

type Key = keyof typeof vi;

const en: Record<Key, string> & Record<string, string> = {
  title: 'Border Atlas',
  tagline: 'Infrastructure and investment in mountain, border and island areas',
  layers: 'Layers',
  filters: 'Filters',
  border: 'Border',
  stats: 'Statistics',
  search: 'Search places',
  searchPlaceholder: 'Commune, province, project… (with or without accents)',
  noResults: 'Nothing found',
  until: 'until',
  nowIn: 'now',
  formerly: 'includes',
  inView: 'in view',
  years: 'Years',
  yearFrom: 'From',
  yearTo: 'To',
  minInvestment: 'Minimum investment (bn VND)',
  clearFilters: 'Clear filters',
  filteredHint: 'Filters apply to: {layers}.',
  clusterHint: 'Points are grouped at this zoom; filtered results are drawn from the filtered list.',
  distance: 'Distance from the border',
  within: 'Within',
  off: 'Off',
  km: 'km',
  nearBorderTotal: '{n} features, {v} invested',
  loading: 'Loading…',
  unavailable: 'Not available: {e}',
  investmentByProvince: 'Investment by province',
  investmentByCategory: 'Investment by category',
  investmentByBand: 'Investment by distance from the border',
  bnVnd: 'bn VND',
  projectsCount: '{n} projects',
  export: 'Export',
  exportGeojson: 'GeoJSON',
  exportCsv: 'CSV',
  exportHint: 'Exports the projects shown (filters and distance applied).',
  exported: 'Exported {n}',
  period: 'Period',
  sources: 'Sources',
  figures: 'Other figures',
  details: 'Details',
  language: 'Tiếng Việt',
  languageTitle: 'Chuyển sang tiếng Việt',
  panel: 'Panel',
  close: 'Close',
  legendAll: 'All',
  noData: 'No figures',
  total: 'Total',
  count: 'Count',
  // Editing (client/sign-in.ts, editor.ts, edit-form.ts, conflict.ts)
  signIn: 'Sign in',
  signInToken: 'Access token',
  signInHint:
    'Paste the token an administrator gave you (npm run token -- create). It is kept in the session cookie, not in the page.',
  signInFailed: 'Could not sign in: {e}',
  signedInAs: 'Signed in: {name} ({role})',
  signedInViewer: 'This account may view, not edit.',
  signOut: 'Sign out',
  roleAdmin: 'admin',
  roleEditor: 'editor',
  roleViewer: 'viewer',
  editAdd: 'Add project',
  editAddTitle: 'New project',
  editPickPoint: 'Click the map where the project is.',
  editCreated: 'Added “{name}”.',
  editSaved: 'Saved.',
  editRefused: 'The server refused it ({status}): {detail}',
  editNeedSource: 'Pick a source or add a new one.',
  editNothing: 'Nothing has changed.',
  editFactsTitle: 'Edit facts: {name}',
  editMoveTitle: 'Move: {name}',
  editReshapeTitle: 'Reshape: {name}',
  editDragHint: 'Drag the point to its place, then Save.',
  editReshapeHint: 'Drag the line’s vertices (or a midpoint to add one), then Save.',
  editCannotDraw: 'This feature’s shape cannot be edited on the map.',
  editDelete: 'Delete',
  editDeleteConfirm: 'Delete “{name}”? The audit keeps a record of it.',
  editDeleted: 'Deleted “{name}”.',
  editCancel: 'Cancel',
  editSave: 'Save',
  editFacts: 'Edit facts',
  editMove: 'Move',
  editReshape: 'Reshape',
  editLast: 'Last edited by {who} on {when}',
  editDiscarded: 'Your changes were discarded; the current version is shown.',
  editConflictTitle: 'Someone else changed this feature',
  editConflictText:
    'It was saved by someone else while you were editing. Compare field by field, then choose:',
  editField: 'Field',
  editYours: 'Yours',
  editCurrent: 'Current',
  editReapply: 'Re-apply my changes',
  editDiscard: 'Discard my changes',
  editNameVi: 'Name (Vietnamese)',
  editNameEn: 'Name (English)',
  editStartYear: 'Start year',
  editEndYear: 'End year',
  editQualifier: 'How the figure is stated',
  editUnknown: 'Investment unknown',
  editDetails: 'Details ({kind})',
  editSource: 'Source',
  editSourcePick: '— pick a source —',
  editSourceNew: '+ Add a new source',
  editSourceTitle: 'Article title',
  editSourceUrl: 'Address (URL)',
  editSourcePublisher: 'Publisher',
  editInside: 'holds the point',
  editExact: 'exact',
  // Ingestion's review (client/review.ts)
  reviewOpen: 'Ingest an article',
  reviewTitle: 'Ingest an article',
  reviewHint:
    'Paste an article (plain text or HTML). Its places, figures and projects are proposed for you to review before they are written into the atlas.',
  reviewArticleTitle: 'Article title',
  reviewUrl: 'Address (URL)',
  reviewPublisher: 'Publisher',
  reviewPublished: 'Date published',
  reviewLang: 'Language',
  reviewLangAuto: 'Detect',
  reviewText: 'Text (plain or HTML)',
  reviewRead: 'Read the article',
  reviewReading: 'Reading the article…',
  reviewFailed: 'Could not read the article ({status}): {detail}',
  reviewArticle: 'Article',
  reviewCandidates: 'Candidates',
  reviewCount: '{n} candidates, {existing} already in the atlas',
  reviewNew: 'New',
  reviewExisting: 'Already in the atlas',
  reviewAccepted: 'Accepted',
  reviewRejected: 'Rejected',
  reviewChanges: 'Proposed updates:',
  reviewNoChanges: 'Nothing differs from the atlas.',
  reviewName: 'Name',
  reviewCategory: 'Category',
  reviewPlace: 'Place',
  reviewNoPlace: 'not found',
  reviewFixPlace: 'Correct the place',
  reviewPlaceSearch: 'Search a commune, ward, province…',
  reviewNoSeat: '{name} has no known location: the point on the map stays.',
  reviewSeatOf: 'seat of {name}',
  reviewIndicator: 'Indicator',
  reviewValue: 'Value',
  reviewUnit: 'Unit',
  reviewYear: 'Year',
  reviewPick: 'Select',
  reviewAccept: 'Accept',
  reviewReject: 'Reject',
  reviewUndo: 'Undo',
  reviewSplit: 'Split',
  reviewMerge: 'Merge with…',
  reviewAcceptSelected: 'Accept selected',
  reviewAcceptAll: 'Accept all',
  reviewNothingPicked: 'Nothing selected.',
  reviewSaved: '{n} written to the atlas, citing “{title}”.',
  reviewStale: 'The atlas changed since the article was read: read it again and review.',
  reviewSplitName: '{name} (part 2)',
  unitBnVnd: 'billion VND',
  unitMnVnd: 'million VND',
  unitTnVnd: 'trillion VND',
  unitM2: 'm²',
  unitHa: 'ha',
  unitKm2: 'km²',
  // h14-find: search, stacked features, the "in view" list, phone sheet, accessibility
  clusterOf: 'Group of {n} points',
  stackHere: '{n} features here',
  stackOthers: '{n} more at this spot',
  zoomHere: 'Zoom in here',
  inViewList: 'Features in view',
  inViewMore: '{n} more: zoom in to see them',
  searchResults: 'Search results',
  searchHit: 'Search result',
  formerUnit: '{old} (until {date}) is now part of {now}.',
  formerUnitUnknown: '{old} existed until {date}; what it became is not recorded.',
  sameNameBefore: 'same name before 2025: code {code}',
  showPanel: 'Show the panel',
  hidePanel: 'Hide the panel',
  // h14-carto
  copyLink: 'Copy link',
  copyLinkTitle: "Copy this map's address (view, layers, filters, selected feature)",
  copied: 'Copied',
  copyFailed: 'Could not copy: copy the address in the box below',
  copy: 'Copy',
  linksTitle: 'Open in QGIS / GDAL / MapLibre',
  linksTiles: 'Vector tile (MVT) URL template',
  linksTilesHow: 'QGIS: Layer ▸ Add Layer ▸ Add Vector Tile Layer ▸ New Generic Connection, paste as URL.',
  linksTileJson: 'TileJSON',
  linksTileJsonHow: 'GDAL: ogrinfo MVT:<this URL>; MapLibre: a vector source whose url is this.',
  linksStyle: 'Map style (Style URL)',
  linksStyleHow:
    'QGIS: the same vector tile connection, "Style URL" box; MapLibre: new maplibregl.Map({ style: <this URL> }).',
  linksOgc: 'OGC API - Features',
  linksOgcHow: 'QGIS: Add WFS / OGC API - Features Layer with this URL; GDAL: ogrinfo OAPIF:<this URL>.',
  linksItems: 'Features of «{layer}» in view',
  linksItemsHow: 'GeoJSON; GDAL: ogr2ogr -f GPKG out.gpkg "<this URL>".',
  choroTitle: 'Shade by a figure',
  choroNone: 'No shading',
  choroUnits: 'Units',
  choroFigure: 'Figure',
  choroInvestment: 'Investment (billion VND)',
  choroProjects: 'Projects',
  choroDensity: 'Projects per 1,000 km²',
  choroBorder: 'Border length (km)',
  choroUnknown: 'Unknown',
  choroLoading: 'Loading figures…',
  choroNote: '{known} of {total} units have a figure',
  choroLowerBound: 'Investment counts only the projects whose article gives a figure.',
  // h14-filters (G2): one filter state, unknown investment, export, language, precision
  pageTitle: 'Border Atlas · Map of the border regions',
  projectsCount_one: '{n} project',
  projectsCount_other: '{n} projects',
  unknownInvestment_one: '{n} with unknown investment',
  unknownInvestment_other: '{n} with unknown investment',
  unknownInvestmentValue: 'unknown',
  unknownShort: 'unknown',
  featuresCount_one: '{n} feature',
  featuresCount_other: '{n} features',
  inViewCount: '{n} in view',
  activeFilters: 'Filtering',
  removeFilter: 'Remove the filter {what}',
  badgeYears: 'Years {from}–{to}',
  badgeMin: 'Investment ≥ {v} bn VND',
  badgeKm: 'Within {km} km of the border',
  exportView: 'What I see',
  exportAll: 'Everything filtered',
  exportScope: 'Scope',
  exportViewHint: 'In the current view, with the filters and distance.',
  exportAllHint: 'Everywhere, with the filters and distance.',
  exportTitle: 'Border Atlas: exported data',
  nearBorderSummary: '{features}; {projects}, {v} of known investment',
  uncertainty: 'Location uncertainty',
  provinceFigures: 'Figures of the province',
  borderLength: 'Border length',
  investmentKnown: 'Investment (known)',
  indicatorsTitle: 'Indicators',
  // stats-rollup: statistics by 2025 units, with the units before the reform
  communeFigures: 'Figures of the commune',
  before2025: 'before 2025: {unit}',
  before2025Part: 'before 2025: part of {unit}',
  sharedProjects: 'Projects shared with other communes (an old unit split)',
  investmentByCommune: 'By commune (2025 units)',
  communeUnit: 'Commune',
  splitBetween: 'Split between: {names}',
  fedBy: 'Before 2025',
  choroSplit: '{n} projects of old units split between several communes are not shaded.',
  // lead
  sourceUnrecorded: 'our copy names neither the paper nor its address',
  openPmtiles: 'Open an offline map file (.pmtiles)',
  chooseFile: 'Choose a file…',
  noFileChosen: 'No file chosen',
  pmtilesOpened: '{name}: opened',
  pmtilesFailed: '{name}: cannot open ({e})',
  // h14-tools: the map's tools (table, time slider, measure, print)
  toolsLabel: 'Map tools',
  toolTable: 'Table',
  toolTimeline: 'Timeline',
  toolMeasure: 'Measure',
  toolPrint: 'Print',
  toolClose: 'Close',
  tableCount: '{n} features matching the filters',
  colName: 'Name',
  colKind: 'Kind',
  colProvince: 'Province',
  colInvestment: 'Investment',
  colYears: 'Year(s)',
  colDistance: 'Distance to border',
  timelineYear: 'Year',
  timelineOnly: 'This year only',
  timelineSpeed: 'Speed',
  timelineBack: 'Previous year',
  timelineNext: 'Next year',
  timelinePlay: 'Play',
  timelinePause: 'Pause',
  timelineAll: 'All years',
  timelineAllYears: 'All years',
  timelineUpTo: 'up to {y}',
  timelineNone: 'No project has a year.',
  measureDistance: 'Distance',
  measureArea: 'Area',
  measureClear: 'Clear',
  measureHint: 'Click on the map to add points.',
  measureKm: 'Distance: {km} km',
  measureAreaValue: 'Area: {km2} km² ({ha} ha)',
  bandTitle: 'Band around a feature',
  bandPick: 'Pick a feature on the map',
  bandPicked: 'Around: {name}',
  bandPickHint: 'Click a feature (a border gate, a road, a market…).',
  bandKm: 'Radius (km)',
  bandBadKm: 'The radius must be from 0.1 to 500 km.',
  bandCount: '{n} features within {km} km of {name}',
  printHeading: 'Border Atlas · Map of the border areas',
  printLegend: 'Legend',
  printFilters: 'Filters',
  printNoFilters: 'No filter',
  printSources: 'Sources',
  printMoreSources: 'and {n} more sources',
  printCredit: 'Data derived from OpenStreetMap: © OpenStreetMap contributors, ODbL 1.0.',
  printPdf: 'Download PDF',
  printPng: 'Download PNG image',
  printHint: 'One A4 landscape page: the map in view, legend, scale bar, filters and sources.',
  printWorking: 'Making it…',
  printDone: 'Done.',
  // map-polish
  distanceLocation: 'location ± {u}',
  distanceApproximate: 'approximate location',
  distanceSchematic: 'schematic location',
  choroFiltered: 'Filtered: {filters}.',
  choroUnfiltered: 'Not affected by the filters.',
  toolsSheet: 'Open tools',
  showTools: 'Expand the tools',
  hideTools: 'Fold the tools',
};

/** Names of project figures (the sources endpoint's `figures`), which are not layer properties. */
const figures: Record<string, Label> = {
  people_served_min: { vi: 'Số người hưởng lợi (ít nhất)', en: 'People served (at least)' },
  villages: { vi: 'Số thôn, bản', en: 'Villages' },
  count: { vi: 'Số công trình', en: 'Count' },
  members: { vi: 'Số thành viên', en: 'Members' },
};

/** Property → value → label, and property → title, from the server's collections. */
const values = new Map<string, Map<string, Label>>();
const titles = new Map<string, Label>();
/** The same, per layer, for when two layers label a property differently. */
const byLayer = new Map<string, Collection['properties']>();

/** Reads the titles and value labels the server declares for each layer's properties. */
export function useLabels(cols: readonly Collection[]): void {
  for (const c of cols) {
    byLayer.set(c.id, c.properties);
    for (const [name, p] of Object.entries(c.properties ?? {})) {
      if (p['x-title'] && !titles.has(name)) titles.set(name, p['x-title']);
      const labels = p['x-labels'];
      if (!labels) continue;
      const known = values.get(name) ?? new Map<string, Label>();
      for (const [v, l] of Object.entries(labels)) if (!known.has(v)) known.set(v, l);
      values.set(name, known);
    }
  }
}

/** A text in the page language. */
export function inLang(l: Label): string {
  return l[lang];
}

let lang: Lang = 'vi';
const listeners: (() => void)[] = [];

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  document.documentElement.lang = next;
  document.title = t('pageTitle');
  for (const f of listeners) f();
}

/** Runs `f` now and whenever the language changes. */
export function onLang(f: () => void): void {
  listeners.push(f);
  f();
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = (lang === 'vi' ? vi : en)[key];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** Keys with plural forms: `<key>_other` (and `<key>_one`… where the language has them). */
export type PluralKey = 'projectsCount' | 'unknownInvestment' | 'featuresCount';

const rules = new Map<Lang, Intl.PluralRules>();

/**
 * A counted phrase with the page language's plural rule (Intl.PluralRules):
 * English says "1 project", "2 projects"; Vietnamese has one form.
 *
 *   plural('projectsCount', 1, { n: 1 })   // '1 project' | '1 dự án'
 */
export function plural(key: PluralKey, n: number, vars: Record<string, string | number> = {}): string {
  let rule = rules.get(lang);
  if (!rule) {
    rule = new Intl.PluralRules(lang === 'vi' ? 'vi-VN' : 'en-GB');
    rules.set(lang, rule);
  }
  const dict: Record<string, string> = lang === 'vi' ? vi : en;
  const s = dict[`${key}_${rule.select(n)}`] ?? dict[`${key}_other`]!;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function isKey(k: string): k is Key {
  return k in vi;
}

/** A human label for an enumerated value (of `layer`'s property, when given); the raw value when there is none. */
export function valueLabel(property: string, value: unknown, layer?: string): string {
  const own = layer ? byLayer.get(layer)?.[property]?.['x-labels']?.[String(value)] : undefined;
  const l = own ?? values.get(property)?.get(String(value));
  return l ? l[lang] : String(value);
}

/** A property's (or project figure's) name in the page language; the raw name, spaced, when there is none. */
export function fieldLabel(key: string, layer?: string): string {
  const l = (layer ? byLayer.get(layer)?.[key]?.['x-title'] : undefined) ?? titles.get(key) ?? figures[key];
  return l ? l[lang] : key.replace(/_/g, ' ');
}

/** Whether the server lists the values of this property (it has labels for them). */
export function isEnumerated(property: string): boolean {
  return values.has(property);
}

/** Fills `[data-i18n]` text and `[data-i18n-placeholder|title|aria-label]` attributes. */
export function translateDom(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const k = el.dataset.i18n!;
    if (isKey(k)) el.textContent = t(k);
  }
  for (const attr of ['placeholder', 'title', 'aria-label'] as const) {
    for (const el of root.querySelectorAll<HTMLElement>(`[data-i18n-${attr}]`)) {
      const k = el.getAttribute(`data-i18n-${attr}`)!;
      if (isKey(k)) el.setAttribute(attr, t(k));
    }
  }
}
