//! Renderers: terminal (ariadne), JSON, GitHub annotations, SARIF 2.1.0.
