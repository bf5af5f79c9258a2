//! Fargate's valid task sizes.
//!
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size>

/// Valid memory (MiB) for each Fargate CPU size (CPU units, 1024 = 1 vCPU).
pub fn memory_options(cpu: u32) -> Option<Vec<u32>> {
    let (from, to, step) = match cpu {
        256 => return Some(vec![512, 1024, 2048]),
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        16384 => (32768, 122880, 8192),
        _ => return None,
    };
    Some((from..=to).step_by(step as usize).collect())
}

/// Fargate's CPU sizes, in CPU units.
pub const CPU_SIZES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// The least and the most memory (MiB) a Fargate task can have, whatever its CPU.
pub const MEMORY_MIB: std::ops::RangeInclusive<u32> = 512..=122_880;

/// Whether Fargate offers a task of `cpu` units and `memory` MiB (for Linux; Windows tasks
/// also need at least 1024 units).
pub fn offers(cpu: u32, memory: u32) -> bool {
    memory_options(cpu).is_some_and(|m| m.contains(&memory))
}

/// A readable summary of the memory a CPU size allows, e.g. `1024–4096 MiB in steps of 1024`.
pub fn describe_memory(cpu: u32) -> String {
    match memory_options(cpu) {
        Some(opts) if opts.len() <= 3 => {
            opts.iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ")
                + " MiB"
        }
        Some(opts) => {
            let step = opts[1] - opts[0];
            format!(
                "{}–{} MiB in steps of {step}",
                opts[0],
                opts[opts.len() - 1]
            )
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_aws() {
        assert_eq!(memory_options(256), Some(vec![512, 1024, 2048]));
        assert_eq!(memory_options(512).unwrap(), vec![1024, 2048, 3072, 4096]);
        assert_eq!(memory_options(4096).unwrap().last(), Some(&30720));
        assert_eq!(memory_options(8192).unwrap().first(), Some(&16384));
        assert_eq!(memory_options(16384).unwrap().last(), Some(&122880));
        assert_eq!(memory_options(300), None);
        assert!(offers(256, 2048) && !offers(256, 1536) && !offers(512, 512));
        let all: Vec<u32> = CPU_SIZES
            .iter()
            .flat_map(|c| memory_options(*c).unwrap())
            .collect();
        assert_eq!(all.iter().min(), Some(MEMORY_MIB.start()));
        assert_eq!(all.iter().max(), Some(MEMORY_MIB.end()));
    }
}
