// After django-otp-webauthn registers a passkey, reload the account page so that the
// new key appears in the list (the package's script announces success with an event).
document.addEventListener("otp_webauthn.register_complete", () => {
  window.setTimeout(() => window.location.reload(), 800);
});
