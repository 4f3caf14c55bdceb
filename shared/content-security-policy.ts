/**
 * The app's one Content-Security-Policy, sent by Electron's app:// protocol and by the web bridge,
 * and mirrored by renderer/index.html's meta tag: scripts only from the bundle (no inline, no
 * eval), no plugins, no framing, no form posts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
