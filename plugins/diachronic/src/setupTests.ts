import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// A full Backstage table or test app takes seconds to render in jsdom when the integration suites run
// beside these tests on two cores: queries wait up to 15 s (the default is 1 s), tests up to 60 s (5 s).
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(60_000);
