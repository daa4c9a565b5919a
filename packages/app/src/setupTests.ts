import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The whole app renders in jsdom: seconds on a busy 2-core machine (the defaults are 1 s and 5 s).
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
