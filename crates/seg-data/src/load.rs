//! Loading profiles and the catalog from JSON (being written).
