import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs these tests next to database and browser suites on two cores: give findBy* and
// waitFor more than the default second before they give up (they return as soon as the
// condition holds, so fast runs stay fast).
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);
