// A real Kubernetes API server (kube-apiserver + etcd, no controllers, no nodes) on loopback, for tests
// and local runs. The binaries are built by scripts/kube/build.sh; certificates, the etcd data and the
// admin kubeconfig live in <stateDir>/kube and survive restarts.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { log, runningPid, spawnDetached, stopByPidFile, waitUntil } from './procs.mjs';

const SERVICE = 'kube';
const execFileAsync = promisify(execFile);

// Loopback only, and clear of Temporal (7233/8233), Unleash (4242) and Postgres (5432). etcd stays off
// its usual 2379/2380 so that a developer's own etcd or cluster does not collide with it.
export const DEFAULT_APISERVER_PORT = 6443;
export const DEFAULT_ETCD_PORT = 12379;
const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
// The first address of the range: the `kubernetes` Service, which in-cluster clients would dial.
const KUBERNETES_SERVICE_IP = '10.0.0.1';
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const CERT_DAYS = '3650';

/** Where scripts/kube/build.sh puts the binaries; its KUBE_VERSION line is the one version pin. */
export function kubeBinaries(rootDir) {
  const buildScript = join(rootDir, 'scripts', 'kube', 'build.sh');
  const version = /^KUBE_VERSION=(v[0-9][^\s#]*)/m.exec(readFileSync(buildScript, 'utf8'))?.[1];
  if (!version) throw new Error(`no KUBE_VERSION=v... line in ${buildScript}`);
  const binDir = join(rootDir, '.tools', 'kube', version, 'bin');
  return { version, binDir, kubeApiserver: join(binDir, 'kube-apiserver'), etcd: join(binDir, 'etcd') };
}

function kubePaths(stateDir) {
  const dir = join(stateDir, 'kube');
  return {
    dir,
    pkiDir: join(dir, 'pki'),
    etcdDataDir: join(dir, 'etcd'),
    etcdPidFile: join(dir, 'etcd.pid'),
    etcdLogFile: join(dir, 'etcd.log'),
    apiserverPidFile: join(dir, 'apiserver.pid'),
    apiserverLogFile: join(dir, 'apiserver.log'),
    kubeconfigPath: join(dir, 'kubeconfig'),
  };
}

/** Options for the CLIs: state in <repo>/.state unless DIACHRONIC_STATE_DIR, ports from the environment. */
export function kubeOptionsFromEnv(rootDir, env = process.env) {
  const port = (name, fallback) => {
    if (!env[name]) return fallback;
    const value = Number(env[name]);
    if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name}=${env[name]} is not a TCP port`);
    return value;
  };
  return {
    rootDir,
    stateDir: env.DIACHRONIC_STATE_DIR || join(rootDir, '.state'),
    port: port('KUBE_APISERVER_PORT', DEFAULT_APISERVER_PORT),
    etcdPort: port('KUBE_ETCD_PORT', DEFAULT_ETCD_PORT),
  };
}

async function openssl(args, cwd) {
  try {
    await execFileAsync('openssl', args, { cwd });
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('openssl is needed to create the cluster certificates (apt-get install openssl)');
    throw new Error(`openssl ${args.join(' ')} failed: ${error.stderr || error.message}`);
  }
}

/** Writes <name>.key (EC P-256, PKCS#8) and returns the public key (PEM). */
function writePrivateKey(dir, name) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(join(dir, `${name}.key`), privateKey, { mode: 0o600 });
  return publicKey;
}

async function issueCertificate(dir, name, subject, extensions) {
  writePrivateKey(dir, name);
  writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  await openssl(['req', '-new', '-config', 'openssl.cnf', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  await openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-days', CERT_DAYS, '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`],
    dir,
  );
  rmSync(join(dir, `${name}.csr`));
  rmSync(join(dir, `${name}.ext`));
}

/**
 * A CA, the API server's serving certificate, the admin client certificate (system:masters) and the
 * service-account signing key pair; created once, so tokens and kubeconfigs stay valid across restarts.
 */
async function ensurePki(pkiDir) {
  const files = {
    ca: join(pkiDir, 'ca.crt'),
    apiserverCert: join(pkiDir, 'apiserver.crt'),
    apiserverKey: join(pkiDir, 'apiserver.key'),
    adminCert: join(pkiDir, 'admin.crt'),
    adminKey: join(pkiDir, 'admin.key'),
    serviceAccountKey: join(pkiDir, 'service-account.key'),
    serviceAccountPub: join(pkiDir, 'service-account.pub'),
  };
  if (Object.values(files).every(file => existsSync(file))) return files;

  log(SERVICE, `creating certificates in ${pkiDir}`);
  // Built aside and renamed into place, so an interrupted run never leaves half a PKI behind.
  const partial = `${pkiDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(partial, 'openssl.cnf'),
    [
      '[req]', 'prompt = no', 'distinguished_name = dn', 'x509_extensions = ca',
      '[dn]', 'CN = diachronic-kube-ca',
      '[ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier = hash', '',
    ].join('\n'),
  );
  writePrivateKey(partial, 'ca');
  await openssl(['req', '-x509', '-new', '-config', 'openssl.cnf', '-key', 'ca.key', '-days', CERT_DAYS, '-sha256', '-out', 'ca.crt'], partial);
  const leaf = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature', 'authorityKeyIdentifier = keyid'];
  await issueCertificate(partial, 'apiserver', '/CN=kube-apiserver', [
    ...leaf,
    'extendedKeyUsage = serverAuth',
    `subjectAltName = IP:127.0.0.1,DNS:localhost,IP:${KUBERNETES_SERVICE_IP},DNS:kubernetes,DNS:kubernetes.default,` +
      'DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
  ]);
  // The API server maps O to groups: system:masters is bound to cluster-admin and bypasses RBAC.
  await issueCertificate(partial, 'admin', '/O=system:masters/CN=diachronic-admin', [...leaf, 'extendedKeyUsage = clientAuth']);
  writeFileSync(join(partial, 'service-account.pub'), writePrivateKey(partial, 'service-account'));
  rmSync(join(partial, 'openssl.cnf'));
  rmSync(pkiDir, { recursive: true, force: true });
  renameSync(partial, pkiDir);
  return files;
}

function writeKubeconfig(kubeconfigPath, server, pki) {
  const base64 = file => readFileSync(file).toString('base64');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: diachronic',
    '    cluster:',
    `      server: ${server}`,
    `      certificate-authority-data: ${base64(pki.ca)}`,
    'users:',
    '  - name: diachronic-admin',
    '    user:',
    `      client-certificate-data: ${base64(pki.adminCert)}`,
    `      client-key-data: ${base64(pki.adminKey)}`,
    'contexts:',
    '  - name: diachronic',
    '    context:',
    '      cluster: diachronic',
    '      user: diachronic-admin',
    'current-context: diachronic',
    '',
  ].join('\n');
  writeFileSync(kubeconfigPath, text, { mode: 0o600 });
}

/**
 * The server and admin credentials of a kubeconfig written by startKube (one cluster, one user, data
 * embedded). Not a general kubeconfig reader; tests use @kubernetes/client-node's loadFromFile.
 */
export function readKubeconfig(kubeconfigPath) {
  const text = readFileSync(kubeconfigPath, 'utf8');
  const field = name => {
    const value = new RegExp(`^\\s*${name}:\\s*(\\S+)\\s*$`, 'm').exec(text)?.[1];
    if (!value) throw new Error(`${kubeconfigPath} has no ${name}`);
    return value;
  };
  const decoded = name => Buffer.from(field(name), 'base64');
  return {
    server: field('server'),
    ca: decoded('certificate-authority-data'),
    cert: decoded('client-certificate-data'),
    key: decoded('client-key-data'),
  };
}

/**
 * One HTTPS call to the API server, verified against the cluster CA. Authenticates with the admin
 * client certificate, or with `token` (a bearer token) when given. Resolves to { status, body } with
 * JSON bodies parsed; never rejects on an HTTP status.
 */
export function kubeRequest(credentials, { method = 'GET', path, body, token }) {
  const url = new URL(path, credentials.server);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method,
        ca: credentials.ca,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : { cert: credentials.cert, key: credentials.key }),
        agent: false,
        timeout: 10000,
      },
      response => {
        const chunks = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (response.headers['content-type'] ?? '').includes('json');
          try {
            resolve({ status: response.statusCode, body: json && text ? JSON.parse(text) : text });
          } catch (error) {
            reject(new Error(`${method} ${url} answered ${response.statusCode} with malformed JSON: ${error.message}`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${url} timed out`)));
    request.on('error', reject);
    if (payload) {
      request.setHeader('content-type', 'application/json');
      request.setHeader('content-length', payload.length);
    }
    request.end(payload);
  });
}

function etcdHealthy(etcdServer) {
  return new Promise(resolve => {
    const request = http.get(`${etcdServer}/health`, { agent: false, timeout: 2000 }, response => {
      let text = '';
      response.on('data', chunk => (text += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && /"health":\s*"true"/.test(text)));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** Fails before spawning when something else listens on the port (the child would only log it). */
function assertPortFree(port, what, envName) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', error =>
      reject(new Error(`${what} cannot listen on 127.0.0.1:${port} (${error.code}); set ${envName} to use another port`)),
    );
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** etcd and the API server, for the services' watchers. */
export function kubeProcesses(stateDir) {
  const paths = kubePaths(stateDir);
  return [
    { name: 'etcd', pidFile: paths.etcdPidFile, logFile: paths.etcdLogFile },
    { name: 'kube-apiserver', pidFile: paths.apiserverPidFile, logFile: paths.apiserverLogFile },
  ];
}

/**
 * Starts etcd and kube-apiserver (detached, so they outlive the caller) or reuses the ones already running
 * for this state folder. Resolves when /readyz answers ok with { server, kubeconfigPath, etcdServer, started }.
 */
export async function startKube({ rootDir, stateDir, port = DEFAULT_APISERVER_PORT, etcdPort = DEFAULT_ETCD_PORT }) {
  const binaries = kubeBinaries(rootDir);
  for (const binary of [binaries.kubeApiserver, binaries.etcd]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: run scripts/kube/build.sh (builds Kubernetes ${binaries.version} once)`);
  }
  const paths = kubePaths(stateDir);
  mkdirSync(paths.dir, { recursive: true });
  const pki = await ensurePki(paths.pkiDir);
  const server = `https://127.0.0.1:${port}`;
  const etcdServer = `http://127.0.0.1:${etcdPort}`;
  let started = false;

  // etcd on plain HTTP, as in Kubernetes' hack/local-up-cluster.sh: it listens on loopback only.
  let etcdPid = runningPid(paths.etcdPidFile);
  if (!etcdPid) {
    await assertPortFree(etcdPort, 'etcd', 'KUBE_ETCD_PORT');
    await assertPortFree(etcdPort + 1, 'etcd (peer)', 'KUBE_ETCD_PORT');
    const peer = `http://127.0.0.1:${etcdPort + 1}`;
    etcdPid = spawnDetached(
      binaries.etcd,
      [
        '--name=diachronic',
        `--data-dir=${paths.etcdDataDir}`,
        `--listen-client-urls=${etcdServer}`,
        `--advertise-client-urls=${etcdServer}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=diachronic=${peer}`,
        '--log-level=warn',
      ],
      { pidFile: paths.etcdPidFile, logFile: paths.etcdLogFile },
    );
    started = true;
    log(SERVICE, `starting etcd (PID ${etcdPid}) on ${etcdServer}`);
  }
  await waitUntil(() => etcdHealthy(etcdServer), { service: 'etcd', timeoutMs: 30000, logFile: paths.etcdLogFile, pid: etcdPid });

  let apiserverPid = runningPid(paths.apiserverPidFile);
  if (!apiserverPid) {
    await assertPortFree(port, 'kube-apiserver', 'KUBE_APISERVER_PORT');
    apiserverPid = spawnDetached(
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcdServer}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--tls-cert-file=${pki.apiserverCert}`,
        `--tls-private-key-file=${pki.apiserverKey}`,
        `--client-ca-file=${pki.ca}`,
        '--authorization-mode=Node,RBAC',
        `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
        // A loopback address is not a valid Endpoints address; there are no Pods to reach it anyway.
        '--endpoint-reconciler-type=none',
        '--profiling=false',
      ],
      { pidFile: paths.apiserverPidFile, logFile: paths.apiserverLogFile },
    );
    started = true;
    log(SERVICE, `starting kube-apiserver ${binaries.version} (PID ${apiserverPid}) on ${server}`);
  }
  const credentials = { server, ca: readFileSync(pki.ca), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) };
  await waitUntil(
    async () => {
      const { status, body } = await kubeRequest(credentials, { path: '/readyz' });
      if (status === 200 && body === 'ok') return true;
      throw new Error(`/readyz answered ${status}: ${String(body).trim().split('\n').filter(line => !line.includes('ok')).join('; ')}`);
    },
    { service: 'kube-apiserver', timeoutMs: 60000, logFile: paths.apiserverLogFile, pid: apiserverPid },
  );
  writeKubeconfig(paths.kubeconfigPath, server, pki);
  if (started) log(SERVICE, `ready; KUBECONFIG=${paths.kubeconfigPath}`);
  return { server, kubeconfigPath: paths.kubeconfigPath, etcdServer, started };
}

/** Stops kube-apiserver, then etcd (SIGTERM, SIGKILL after a grace period); a no-op when not running. */
export async function stopKube({ stateDir }) {
  const paths = kubePaths(stateDir);
  const apiserver = await stopByPidFile(paths.apiserverPidFile, { service: 'kube-apiserver' });
  const etcd = await stopByPidFile(paths.etcdPidFile, { service: 'etcd' });
  if (apiserver || etcd) log(SERVICE, 'stopped');
  return { stopped: apiserver || etcd };
}
