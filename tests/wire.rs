//! Placeholder: the wire tests are being written.
