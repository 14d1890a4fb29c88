//! Load: placeholder, being written.
