// A real OpenID provider for the sign-in tests: oidc-provider (OpenID Certified), on
// 127.0.0.1 at a free port, with one confidential client and an in-memory account store.
//
// Configured by the environment variable OIDC_TEST_CONFIG, a JSON object:
//   {"client_id": "...", "client_secret": "...", "redirect_uri": "http://localhost:8000/oidc/callback/",
//    "accounts": {"anna": {"email": "anna@example.se", "email_verified": true}}}
// An account's key is what is typed as "login" in the provider's own (development) login
// form; any password is accepted there. Prints "READY <issuer>" on stdout once it listens,
// and exits when stdin closes (the test that started it has ended) or on SIGTERM.
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}');
for (const key of ['client_id', 'client_secret', 'redirect_uri', 'accounts']) {
  if (!config[key]) {
    console.error(`provider.mjs: OIDC_TEST_CONFIG has no ${key}`);
    process.exit(2);
  }
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // mozilla-django-oidc sends the secret in the token request's body.
      token_endpoint_auth_method: 'client_secret_post',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    async findAccount(ctx, id) {
      const account = config.accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account }; } };
    },
    // The provider's built-in login and consent pages, meant for development: the test
    // fills them in Chromium as a person would fill their organisation's.
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-only-cookie-signing-key'] },
  });
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
