/** Entry point of the TLS decoders: record layer, hello messages, versions, cipher suites and grades. */
export * from './cipher-suites.js';
export * from './tls-handshake.js';
export * from './tls-record.js';
export * from './tls-versions.js';
