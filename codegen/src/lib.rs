//! Generator library
