//! Tests of reorganisation plans against a real register.
