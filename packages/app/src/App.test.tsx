import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('starts on the guest sign-in page (the plugins and modules compose)', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(App.createRoot());
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });
});
