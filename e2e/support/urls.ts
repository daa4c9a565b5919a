/** Where the system the scenarios drive answers (the ports of `npm start`). */
export const BACKSTAGE_URL = 'http://localhost:7007';
export const APP_URL = 'http://localhost:3000';
export const SIGNALER_URL = `http://127.0.0.1:${process.env.SIGNALER_PORT ?? 8088}`;
