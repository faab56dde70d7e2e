/** Only same-site paths: a sign-in link must not be able to send the user to another site. */
export function safeCallbackUrl(raw: string | string[] | undefined | null, fallback = '/dashboard'): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(value)) return fallback;
  // Back to the sign-in pages would only bounce straight back here.
  if (/^\/(login|register)(\/|\?|$)/.test(value)) return fallback;
  return value;
}
