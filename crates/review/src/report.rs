//! Reports: text, JSON, SARIF 2.1.0 and Markdown.
