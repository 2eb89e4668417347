//! starling-http: the HTTP client a virtual user holds: its connections,
//! its cookie jar, per-request timings and typed transport errors.
