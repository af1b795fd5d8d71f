//! The integration suite as one test binary: each module is one area of the
//! API, driven over HTTP against the real server (see the `tests` library for
//! the harness). One binary links once and shares its template databases
//! between all of its tests.

mod support;

mod admin_queries;
mod auth_tokens;
mod backup_restore;
mod cli;
mod crash_recovery;
mod data_entry;
mod dataloader_statements;
mod demo_accounts;
mod event_summaries;
mod export_csv;
mod export_iati;
mod hardening_cache;
mod hardening_faults;
mod hardening_limits;
mod hardening_ops;
mod hardening_rate;
mod http_surface;
mod import_iati;
mod import_spreadsheets;
mod mail;
mod mutation_inputs;
mod nested_connections;
mod nodes_and_visibility;
mod packaging;
mod pagination;
mod programme_setup;
mod programme_updates;
mod read_demo_data;
mod read_replica;
mod reporting_quality;
mod schema_file;
mod search_and_filters;
mod seed_dump;
mod seed_idempotency;
mod seed_synthetic;
mod setup_deletion;
mod smoke;
mod stats_aggregates;
mod stats_progress;
mod stats_rollup;
mod stats_suppression;
mod webhooks;
