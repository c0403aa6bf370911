/**
 * The workspace's TLS certificate: self-signed, for the emulated org's Salesforce host names, made
 * once with `openssl` and kept in a folder (the browser is told to accept it:
 * `--ignore-certificate-errors` in tests, a one-time exception for a person).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TlsFiles {
  key: string;
  cert: string;
}

/** Host names the certificate covers. */
export function certificateNames(orgDomain: string): string[] {
  return [
    `${orgDomain}.lightning.force.com`,
    '*.lightning.force.com',
    `${orgDomain}.my.salesforce.com`,
    '*.my.salesforce.com',
    'localhost',
  ];
}

export function ensureCertificate(dir: string, orgDomain: string): TlsFiles {
  const keyFile = path.join(dir, `${orgDomain}.key.pem`);
  const certFile = path.join(dir, `${orgDomain}.cert.pem`);
  if (!fs.existsSync(keyFile) || !fs.existsSync(certFile)) {
    fs.mkdirSync(dir, { recursive: true });
    const san = [...certificateNames(orgDomain).map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '825',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-subj',
        `/O=Switchboard emulator/CN=${orgDomain}.lightning.force.com`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'ignore' },
    );
    fs.chmodSync(keyFile, 0o600);
  }
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
}
