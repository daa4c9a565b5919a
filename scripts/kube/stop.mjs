#!/usr/bin/env node
// Stops the kube-apiserver and etcd started by start.mjs for this state folder; data and certificates stay.
import { fileURLToPath } from 'node:url';
import { kubeOptionsFromEnv, stopKube } from '../lib/kube.mjs';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));
const { stopped } = await stopKube(kubeOptionsFromEnv(rootDir));
if (!stopped) console.log('kube-apiserver and etcd were not running');
