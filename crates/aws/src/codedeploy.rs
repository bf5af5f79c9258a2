//! CodeDeploy's blue/green releases of ECS services: the predefined traffic configurations
//! and the bounds wharf holds a custom one and the wait for the old tasks to.
//! <https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html>

use std::ops::RangeInclusive;

/// The share of traffic a canary's first step or each linear step moves. 100 would move
/// everything in one step, which is a blue/green release.
/// <https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TimeBasedCanary.html>
pub const TRAFFIC_PERCENT: RangeInclusive<u32> = 1..=99;

/// Minutes between steps. The API gives no bound; wharf holds a step to the longest wait
/// CodeDeploy documents for a blue/green deployment, the 2880 minutes (two days) it may keep
/// the old tasks.
pub const TRAFFIC_INTERVAL_MINUTES: RangeInclusive<u32> = 1..=2880;

/// How long the old (blue) tasks may be kept once the new ones take all traffic:
/// `terminationWaitTimeInMinutes`, 0 to 2880.
/// <https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html>
pub const TERMINATION_WAIT_MINUTES: RangeInclusive<u32> = 0..=2880;

/// How traffic moves from the old task set to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    AllAtOnce,
    /// `percent` first, the rest `interval_minutes` later.
    Canary {
        percent: u32,
        interval_minutes: u32,
    },
    /// `percent` more every `interval_minutes`.
    Linear {
        percent: u32,
        interval_minutes: u32,
    },
}

/// The configurations CodeDeploy predefines for ECS.
/// <https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configurations-predefined-ecs>
pub const PREDEFINED: [(&str, Traffic); 5] = [
    ("CodeDeployDefault.ECSAllAtOnce", Traffic::AllAtOnce),
    (
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        Traffic::Canary {
            percent: 10,
            interval_minutes: 5,
        },
    ),
    (
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        Traffic::Canary {
            percent: 10,
            interval_minutes: 15,
        },
    ),
    (
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        Traffic::Linear {
            percent: 10,
            interval_minutes: 1,
        },
    ),
    (
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        Traffic::Linear {
            percent: 10,
            interval_minutes: 3,
        },
    ),
];

impl Traffic {
    /// The predefined configuration that moves traffic this way, if there is one.
    pub fn predefined(self) -> Option<&'static str> {
        PREDEFINED
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(name, _)| *name)
    }

    /// Minutes from the first step to all traffic on the new tasks.
    pub fn shift_minutes(self) -> u32 {
        match self {
            Traffic::AllAtOnce => 0,
            Traffic::Canary {
                interval_minutes, ..
            } => interval_minutes,
            Traffic::Linear {
                percent,
                interval_minutes,
            } => (100_u32.div_ceil(percent) - 1) * interval_minutes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_names_and_times() {
        let canary = Traffic::Canary {
            percent: 10,
            interval_minutes: 5,
        };
        assert_eq!(
            canary.predefined(),
            Some("CodeDeployDefault.ECSCanary10Percent5Minutes")
        );
        assert_eq!(canary.shift_minutes(), 5);
        let linear = Traffic::Linear {
            percent: 10,
            interval_minutes: 3,
        };
        // 10 % at 0, 3, …, 27 minutes: all of it after nine intervals.
        assert_eq!(linear.shift_minutes(), 27);
        let odd = Traffic::Linear {
            percent: 30,
            interval_minutes: 2,
        };
        assert_eq!(odd.predefined(), None);
        // 30, 60, 90, 100: three intervals.
        assert_eq!(odd.shift_minutes(), 6);
    }
}
