//! Who is using Rapport: roles and the signed-in viewer.

use serde::{Deserialize, Serialize};

/// Limits of what a person enters to sign up (checked in `auth::validate`, worded in `error`).
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 80;
pub const EMAIL_MAX_CHARS: usize = 254;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Agent,
    Marketing,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Customer, Role::Agent, Role::Marketing, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Marketing => "marketing",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Agent => "Agent",
            Role::Marketing => "Marketing",
            Role::Admin => "Admin",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Customer
    }
}

/// The roles allowed into each staff area. Admins may enter every area.
pub const WORKSPACE_ROLES: &[Role] = &[Role::Agent, Role::Admin];
pub const STUDIO_ROLES: &[Role] = &[Role::Marketing, Role::Admin];

/// The signed-in person, as the UI may know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

impl Viewer {
    pub fn may_enter(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }
}
