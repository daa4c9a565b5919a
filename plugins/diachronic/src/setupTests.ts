import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Role queries over a full Backstage table take more than the default second when CI runs the
// integration suites beside these tests on two cores.
configure({ asyncUtilTimeout: 5000 });
