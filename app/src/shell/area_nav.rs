//! The bar of a staff area's own pages, under the site header: the workspace's (inbox,
//! outbox, coaching, KPIs, webhooks) on `/workspace…`, the studio's on `/studio…`. The header
//! itself links each area once, so it stays one row however many roles an account has.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::accounts::{Role, Viewer, STUDIO_ROLES, WORKSPACE_ROLES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Area {
    Workspace,
    Studio,
}

/// Which bar a page shows. The KPIs live under `/workspace` but are the studio's too: a
/// marketing account (no inbox) sees them with the studio's bar.
fn area_of(path: &str, viewer: &Viewer) -> Option<Area> {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/studio") || (path == "/workspace/kpis" && !viewer.may_enter(WORKSPACE_ROLES)) {
        viewer.may_enter(STUDIO_ROLES).then_some(Area::Studio)
    } else if under("/workspace") {
        viewer.may_enter(WORKSPACE_ROLES).then_some(Area::Workspace)
    } else {
        None
    }
}

fn links(area: Area, viewer: &Viewer) -> Vec<(&'static str, &'static str)> {
    match area {
        Area::Workspace => {
            let mut links = vec![
                ("/workspace", "Inbox"),
                ("/workspace/outbox", "Outbox"),
                ("/workspace/mail", "Received mail"),
                ("/workspace/coaching", "Coaching"),
                ("/workspace/kpis", "KPIs"),
            ];
            if viewer.role == Role::Admin {
                links.push(("/workspace/webhooks", "Webhooks"));
            }
            links
        }
        Area::Studio => vec![
            ("/studio", "Overview"),
            ("/studio/stories", "Stories"),
            ("/studio/quotes", "Quotes"),
            ("/studio/ripple", "Ripple"),
            ("/studio/journeys", "Journeys"),
            ("/workspace/kpis", "KPIs"),
        ],
    }
}

#[component]
pub fn AreaNav(viewer: Viewer) -> impl IntoView {
    let location = use_location();
    move || {
        // Read without panicking: on the server this can run once more as the page is torn down.
        let path = location.pathname.try_get()?;
        area_of(&path, &viewer).map(|area| {
            let label = match area {
                Area::Workspace => "Workspace",
                Area::Studio => "Studio",
            };
            view! {
                <nav class="area-nav" aria-label=label>
                    <div class="area-nav__inner">
                        {links(area, &viewer).into_iter().map(|(href, text)| {
                            // A plain link (the router still handles its clicks): `<A>` needs the
                            // router's context, which a teardown may already have removed.
                            let current = (href == path).then_some("page");
                            view! { <a href=href aria-current=current>{text}</a> }
                        }).collect_view()}
                    </div>
                </nav>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role) -> Viewer {
        Viewer { user_id: 1, display_name: "Sam".into(), email: "sam@example.com".into(), role }
    }

    #[test]
    fn each_area_shows_its_own_bar() {
        let admin = viewer(Role::Admin);
        assert_eq!(area_of("/workspace/c/4", &admin), Some(Area::Workspace));
        assert_eq!(area_of("/studio/ripple", &admin), Some(Area::Studio));
        assert_eq!(area_of("/workspace/kpis", &admin), Some(Area::Workspace));
        assert_eq!(area_of("/workspaces", &admin), None);
        assert_eq!(area_of("/forum", &admin), None);
        let marketing = viewer(Role::Marketing);
        assert_eq!(area_of("/workspace/kpis", &marketing), Some(Area::Studio));
        assert_eq!(area_of("/workspace", &marketing), None);
        assert!(links(Area::Workspace, &admin).iter().any(|(href, _)| *href == "/workspace/webhooks"));
        assert!(!links(Area::Workspace, &viewer(Role::Agent)).iter().any(|(href, _)| *href == "/workspace/webhooks"));
    }
}
