//! Placeholder: the Prism contract test is being written.
