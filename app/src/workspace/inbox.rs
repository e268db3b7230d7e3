//! The inbox: active conversations, riskiest first, with filters that work as plain links
//! and a GET form (no JavaScript needed), counts per filter value, and stable page URLs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::domain::channels::Channel;
use crate::domain::format::duration_between;
use crate::domain::workspace::{AssigneeFilter, FilterCounts, InboxFilter, InboxRow, MATCHING_CAP};
use crate::emotion::risk::RiskLevel;
use crate::emotion::situation::{Approach, Situation};
use crate::shell::notice::loaded;
use crate::shell::paging::Pager;
use crate::workspace::api;

fn filter_from_query() -> impl Fn() -> (InboxFilter, i64) + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let query = query.read();
        let get = |key: &str| query.get(key).unwrap_or_default();
        let page = query.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1);
        (
            InboxFilter {
                status: get("status"),
                channel: get("channel"),
                risk: get("risk"),
                situation: get("situation"),
                assignee: get("assignee"),
                q: get("q"),
            },
            page,
        )
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    // Every change announced by the server bumps this, and the inbox reloads.
    let changes = RwSignal::new(0_u64);
    crate::realtime::use_live_updates(move || changes.update(|n| *n += 1));
    let query = filter_from_query();
    let inbox = Resource::new(move || (query(), changes.get()), |((filter, page), _)| api::inbox(filter, page));
    view! {
        <Title text="Inbox"/>
        <section class="workspace">
            <crate::workspace::keyboard::KeyboardShortcuts/>
            {loaded(inbox, move |inbox| {
                let now = inbox.now;
                let base = format!("/workspace{}", inbox.filter.query_string());
                view! {
                    <header class="workspace__header">
                        <h1>"Inbox"</h1>
                        <ul class="counts" aria-label="Conversation counts">
                            <li>"Open "<strong>{inbox.counts.open}</strong></li>
                            <li>"Pending "<strong>{inbox.counts.pending}</strong></li>
                            <li><a href="/workspace?assignee=unassigned">"Unassigned "<strong>{inbox.counts.unassigned}</strong></a></li>
                            <li><a href="/workspace?assignee=mine">"Mine "<strong>{inbox.counts.mine}</strong></a></li>
                        </ul>
                    </header>
                    <Filters filter=inbox.filter.clone() counts=inbox.filter_counts.clone()/>
                    <p class="inbox__summary" role="status">
                        {if inbox.matching > MATCHING_CAP {
                            format!("More than {MATCHING_CAP} conversations match")
                        } else {
                            format!("{} conversation{} match", inbox.matching, if inbox.matching == 1 { "" } else { "s" })
                        }}
                    </p>
                    {if inbox.rows.is_empty() {
                        view! { <p class="empty">"No conversations match. Inbox zero!"</p> }.into_any()
                    } else {
                        view! {
                            <table class="inbox">
                                <thead>
                                    <tr>
                                        <th scope="col">"Risk"</th>
                                        <th scope="col">"Customer"</th>
                                        <th scope="col">"Conversation"</th>
                                        <th scope="col">"Approach"</th>
                                        <th scope="col">"Channel"</th>
                                        <th scope="col">"Waiting"</th>
                                        <th scope="col">"Assignee"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {inbox.rows.into_iter().map(|row| view! { <Row row=row now=now/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                    <Pager base=base page=inbox.page has_more=inbox.has_more previous_label="← Previous" next_label="Next →"/>
                }.into_any()
            })}
        </section>
    }
}

#[component]
fn Row(row: InboxRow, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let reasons = row.top_reasons(2);
    let approach = row.guidance.as_deref().and_then(Approach::from_key);
    view! {
        <tr class=format!("inbox__row inbox__row--{}", row.risk_level) data-conversation=row.id>
            <td>
                <span class=format!("risk risk--{}", row.risk_level) title=reasons.join("; ")>
                    {format!("{} {}", row.risk_level, row.risk_score)}
                </span>
                <ul class="risk__reasons">
                    {reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            </td>
            <td>{row.customer_name}</td>
            <td>
                <a class="inbox__subject" href=format!("/workspace/c/{}", row.id)>{row.subject}</a>
                {row.last_excerpt.map(|e| view! { <span class="inbox__excerpt">{e}</span> })}
            </td>
            <td>
                {approach.map(|a| view! { <span class=format!("approach approach--{}", a.key())>{a.label()}</span> })}
                {row.situation.as_deref().and_then(Situation::from_key).map(|s| view! { <span class="inbox__situation">{s.label()}</span> })}
            </td>
            <td>{row.channel.key()}</td>
            <td>{row.waiting_since.map(|since| duration_between(since, now)).unwrap_or_else(|| "—".into())}</td>
            <td>{row.assignee_name.unwrap_or_else(|| "Unassigned".into())}</td>
        </tr>
    }
}

/// One `<select>` of the filter form, each option with its count.
#[component]
fn Choice(name: &'static str, label: &'static str, selected: String, options: Vec<(String, String, Option<i64>)>) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="" selected=selected.is_empty()>"Any"</option>
            {options.into_iter().map(|(value, text, count)| {
                let is_selected = value == selected;
                let text = match count {
                    Some(n) => format!("{text} ({n})"),
                    None => text,
                };
                view! { <option value=value selected=is_selected>{text}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Filters(filter: InboxFilter, counts: FilterCounts) -> impl IntoView {
    let counted = |list: &[(String, i64)], values: Vec<(String, String)>| -> Vec<(String, String, Option<i64>)> {
        values
            .into_iter()
            .map(|(value, text)| {
                let n = FilterCounts::count(list, &value);
                (value, text, Some(n))
            })
            .collect()
    };
    let plain = |keys: Vec<&str>| keys.into_iter().map(|key| (key.to_string(), key.to_string())).collect::<Vec<_>>();
    let risks = counted(&counts.by_risk, plain(RiskLevel::ALL.iter().map(|level| level.key()).collect()));
    let channels = counted(&counts.by_channel, plain(Channel::ALL.iter().map(|channel| channel.key()).collect()));
    let situations = counted(&counts.by_situation, Situation::ALL.iter().map(|s| (s.key().to_string(), s.label().to_string())).collect());
    let statuses: Vec<(String, String, Option<i64>)> =
        InboxFilter::STATUSES.iter().map(|status| (status.key().to_string(), status.key().to_string(), None)).collect();
    let assignees = AssigneeFilter::ALL
        .iter()
        .map(|assignee| {
            let label = match assignee {
                AssigneeFilter::Mine => "Mine",
                AssigneeFilter::Unassigned => "Unassigned",
            };
            (assignee.key().to_string(), label.to_string(), None)
        })
        .collect();
    view! {
        <Form method="GET" action="/workspace" attr:class="filters" attr:aria-label="Filter conversations">
            <Choice name="risk" label="Risk" selected=filter.risk options=risks/>
            <Choice name="situation" label="Situation" selected=filter.situation options=situations/>
            <Choice name="channel" label="Channel" selected=filter.channel options=channels/>
            <Choice name="status" label="Status" selected=filter.status options=statuses/>
            <Choice name="assignee" label="Assignee" selected=filter.assignee options=assignees/>
            <label for="filter-q">"Search"</label>
            <input id="filter-q" type="search" name="q" value=filter.q placeholder="Subject, message or customer"/>
            <button type="submit" class="button button--small">"Apply"</button>
            <a href="/workspace" class="filters__reset">"Reset"</a>
        </Form>
    }
}
