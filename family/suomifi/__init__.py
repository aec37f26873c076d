"""Strong identification of family members through Suomi.fi e-Identification (SAML 2.0)."""
