"""What the tests share (records, credentials, servers, browsers, specs, threads), so no test module imports another."""
