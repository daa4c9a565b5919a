#!/usr/bin/env node
// Starts etcd and kube-apiserver for local runs (or finds them running) and prints the kubeconfig path.
// State: $DIACHRONIC_STATE_DIR (default <repo>/.state); ports: $KUBE_APISERVER_PORT, $KUBE_ETCD_PORT.
import { fileURLToPath } from 'node:url';
import { kubeOptionsFromEnv, startKube } from '../lib/kube.mjs';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));
try {
  const { server, kubeconfigPath } = await startKube(kubeOptionsFromEnv(rootDir));
  console.log(`kube-apiserver: ${server}`);
  console.log(`KUBECONFIG=${kubeconfigPath}`);
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
