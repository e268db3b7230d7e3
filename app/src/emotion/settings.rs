//! What the engine is told by the installation: how it weighs risk and how it reads a
//! customer's emotional state over time.

use super::risk::RiskConfig;
use super::state::StateConfig;

/// How the emotion engine judges customers (from the `[risk]` and `[emotional_state]` config).
#[derive(Clone, Debug, Default)]
pub struct EngineSettings {
    pub risk: RiskConfig,
    pub state: StateConfig,
}
