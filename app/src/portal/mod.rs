//! The portal: what customers and visitors see. The forum where they help each other,
//! resolved stories shared with consent, the gratitude wall, and the pages a mailed link opens
//! (consent, rating, digest unsubscribe).

pub mod forum;
pub mod rating_page;
pub mod stories;
pub mod wall;
