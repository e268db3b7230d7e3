//! A one-button form that acts on one row of a staff table (remove, send again, delete): the
//! row's id goes along as the form's `id` field, so the server function takes `id: i64`.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use server_fn::client::Client;
use server_fn::codec::PostUrl;
use server_fn::request::ClientReq;
use server_fn::{Http, ServerFn};

/// The bounds are `ActionForm`'s own: any server action a form can post.
#[component]
pub fn RowAction<ServFn, OutputProtocol>(
    action: ServerAction<ServFn>,
    id: i64,
    label: &'static str,
    /// Extra classes for the form (`inline-form`).
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView
where
    ServFn: DeserializeOwned + ServerFn<Protocol = Http<PostUrl, OutputProtocol>> + Clone + Send + Sync + 'static,
    <<ServFn::Client as Client<ServFn::Error>>::Request as ClientReq<ServFn::Error>>::FormData: From<web_sys::FormData>,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: Send + Sync + 'static,
    <ServFn as ServerFn>::Client: Client<<ServFn as ServerFn>::Error>,
    OutputProtocol: 'static,
{
    view! {
        <ActionForm action attr:class=class>
            <input type="hidden" name="id" value=id/>
            <button type="submit" class="link-button">{label}</button>
        </ActionForm>
    }
}
