/**
 * Reads the multipart body of POST /api/import with busboy (a kept
 * library: streaming, limits on every part): the one file goes to a
 * private temporary directory under its own name (the importer picks its
 * reader by the extension), the other fields are collected as text.
 *
 *   const upload = await receiveUpload(req, { maxBytes, fields: ['layer', 'source', …] });
 *   try { … upload.file, upload.fields.get('layer') … } finally { upload.remove(); }
 *
 * Every mistake is a ProblemError naming the field: a body that is not
 * multipart/form-data (415), no file or two, a field the endpoint does not
 * take or takes once given twice (400), a file larger than `maxBytes`
 * (413). After a mistake the rest of the body is read and dropped before
 * the answer, so the client always gets it; nothing stays on disk.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest, ProblemError } from '../http/problem.ts';

export interface Upload {
  /** Path of the received file (its original name, made safe). */
  file: string;
  /** The original file name as sent. */
  filename: string;
  fields: Map<string, string>;
  /** Deletes the temporary directory; idempotent. */
  remove(): void;
}

export interface UploadLimits {
  maxBytes: number;
  /** The text fields taken (besides `file`). */
  fields: readonly string[];
}

const MAX_FIELD_BYTES = 64 * 1024;

/** A name of letters, digits, `.`, `_` and `-` that keeps the extension: `Ranh giới xã.gpkg` → `Ranh_gi_i_x_.gpkg`. */
export function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const clean = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return clean.slice(-120) || 'upload';
}

export function receiveUpload(req: Request, limits: UploadLimits): Promise<Upload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    req.resume();
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `the body must be multipart/form-data (a form with a "file" field); got ${JSON.stringify(type || 'no Content-Type')}`,
      { parameter: 'Content-Type' },
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'border-atlas-upload-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });

  return new Promise<Upload>((resolve, reject) => {
    const fields = new Map<string, string>();
    let file:
      | { path: string; name: string; written: Promise<void>; truncated: () => boolean; stop: () => void }
      | undefined;
    let failure: ProblemError | undefined;
    const fail = (p: ProblemError) => {
      failure ??= p;
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fileSize: limits.maxBytes,
          files: 1,
          fields: limits.fields.length,
          fieldSize: MAX_FIELD_BYTES,
          parts: limits.fields.length + 1,
        },
      });
    } catch (e) {
      remove();
      req.resume();
      reject(badRequest('Content-Type', 'multipart/form-data with a boundary', (e as Error).message));
      return;
    }

    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        fail(badRequest(name, 'not sent: the one file goes in the field "file"', info.filename));
        stream.resume();
        return;
      }
      if (file || failure) {
        stream.resume();
        return;
      }
      if (!info.filename) {
        fail(badRequest('file', 'a file with a name (its extension says its format)'));
        stream.resume();
        return;
      }
      const target = path.join(dir, safeName(info.filename));
      const written = pipeline(stream, createWriteStream(target));
      written.catch(() => {});
      file = {
        path: target,
        name: info.filename,
        written,
        truncated: () => stream.truncated === true,
        stop: () => stream.destroy(new Error('the request ended before the file did')),
      };
    });
    parser.on('field', (name, value, info) => {
      if (!limits.fields.includes(name)) {
        fail(badRequest(name, `not a field of this form; it takes file, ${limits.fields.join(', ')}`, value));
      } else if (fields.has(name)) {
        fail(badRequest(name, 'given once', 'two values'));
      } else if (info.valueTruncated) {
        fail(badRequest(name, `at most ${MAX_FIELD_BYTES} bytes`, `${value.length}+ bytes`));
      } else fields.set(name, value);
    });
    parser.on('filesLimit', () => fail(badRequest('file', 'one file', 'more than one')));
    parser.on('fieldsLimit', () =>
      fail(badRequest('body', `at most ${limits.fields.length} fields besides file`)),
    );
    parser.on('partsLimit', () => fail(badRequest('body', `at most ${limits.fields.length + 1} parts`)));
    parser.on('error', (e: Error) => {
      fail(badRequest('body', 'a well-formed multipart/form-data body', e.message));
      finish();
    });
    parser.on('close', () => finish());
    // A client that goes away mid-upload: busboy never closes, so stop here (and delete the part).
    req.once('close', () => {
      if (done || req.complete) return;
      fail(badRequest('file', 'a complete upload', 'the request ended early'));
      file?.stop();
      finish();
    });

    let done = false;
    const finish = async () => {
      if (done) return;
      done = true;
      if (file) {
        try {
          await file.written;
        } catch (e) {
          fail(badRequest('file', 'a complete file', (e as Error).message));
        }
        if (file.truncated())
          fail(
            new ProblemError(
              413,
              'too-large',
              'File too large',
              `the file exceeds IMPORT_MAX_BYTES (${limits.maxBytes} bytes)`,
              { parameter: 'file' },
            ),
          );
      } else fail(badRequest('file', 'a file to import (a form field "file")', 'nothing'));
      if (failure) {
        remove();
        req.unpipe(parser);
        req.resume();
        if (req.readableEnded || req.destroyed) reject(failure);
        else req.once('end', () => reject(failure)).once('close', () => reject(failure));
        return;
      }
      resolve({ file: file!.path, filename: file!.name, fields, remove });
    };
    req.pipe(parser);
  });
}
