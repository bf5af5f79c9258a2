//! The AWS limits wharf checks against, each with the AWS page it comes from. The manifest
//! checks what it is given against these tables, and so do the review rules about
//! hand-written Terraform: one table each, so that both always agree.
//!
//! Pure data and functions of it: no I/O, no dependencies.

pub mod codedeploy;
pub mod elasticache;
pub mod fargate;
pub mod iam;
pub mod logs;
pub mod rds;
pub mod scheduler;
