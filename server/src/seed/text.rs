//! Natural-language material for demo data: names and message templates per situation and mood.
//! `{name}`, `{agent}`, `{order}` and `{amount}` are filled in by the generator.

pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Ben", "Chen", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Maya",
    "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe",
    "Aisha", "Bruno", "Clara", "Dmitri", "Emma", "Felix", "Gita", "Hannah", "Ivan", "Julia", "Kofi", "Lena",
    "Mateo", "Nina", "Oscar", "Priya", "Rafael", "Sofia", "Tomás", "Uma", "Victor", "Wanjiru", "Yara", "Zaid",
];

pub const LAST_NAMES: &[&str] = &[
    "Okafor", "Schmidt", "Wang", "Levi", "Yilmaz", "Haddad", "Murphy", "Tanaka", "Moreau", "Berg", "Iyer",
    "O'Brien", "Cohen", "Silva", "Petrova", "Santos", "Walsh", "García", "Nieminen", "Kapoor", "Rahman", "Novak",
    "Liu", "Hernández", "Demir", "Fischer", "Mensah", "Rossi", "Kowalski", "Andersen", "Nakamura", "Dubois",
    "Costa", "Ivanova", "Brown", "Müller", "Khan", "Lopez", "Jensen", "Park",
];

pub const PLANS: &[&str] = &["Starter", "Plus", "Pro", "Family"];

/// One kind of customer problem, with how people write about it.
pub struct Situation {
    pub key: &'static str,
    pub subjects: &'static [&'static str],
    pub angry: &'static [&'static str],
    pub worried: &'static [&'static str],
    pub calm: &'static [&'static str],
    pub agent: &'static [&'static str],
    pub follow_up: &'static [&'static str],
}

pub const SITUATIONS: &[Situation] = &[
    Situation {
        key: "billing",
        subjects: &["Charged twice this month", "Refund still missing", "Why did my price go up?", "Invoice shows the wrong plan"],
        angry: &[
            "You charged my card twice for {amount}. This is the third time I'm asking for this to be fixed!",
            "I was billed {amount} for a plan I cancelled weeks ago. Unacceptable. Fix it today or I'm disputing the charge.",
        ],
        worried: &[
            "I see two charges of {amount} on my statement and I'm a bit worried my rent payment will bounce. Can you check?",
            "My refund of {amount} was promised ten days ago and still hasn't arrived. Is something wrong?",
        ],
        calm: &[
            "Hi, my latest invoice lists the Pro plan but I'm on Plus. Could you correct it when you have a moment?",
            "Could you explain the new price on my last invoice? I'd just like to understand the change.",
        ],
        agent: &[
            "Hi {name}, I'm sorry about the double charge. I can see both payments of {amount} and I've refunded the duplicate; it will show on your statement within 3–5 business days.",
            "Thanks for your patience, {name}. I've corrected the invoice and sent you the updated copy. — {agent}",
        ],
        follow_up: &["The refund arrived today. Thank you for sorting it out so quickly!", "Still nothing on my statement. How long does this take?", "Got the new invoice, thanks."],
    },
    Situation {
        key: "fraud",
        subjects: &["Purchases I didn't make", "Someone changed my email address", "Suspicious login alert"],
        angry: &[
            "There are three orders on my account I never placed! Someone is using my card and nobody is answering. Lock it NOW.",
        ],
        worried: &[
            "I got an alert about a login from another country and I'm scared someone has my password. What should I do?",
            "My account email was changed last night and it wasn't me. Please help, I can't get in.",
        ],
        calm: &["I noticed order {order} that I don't recognise. Could you check whether it's legitimate?"],
        agent: &[
            "{name}, I've locked your account and cancelled the unknown orders; no money will leave your card for them. Let's reset your password together now.",
            "Your account is secured, {name}. I restored your email address and signed out every other device.",
        ],
        follow_up: &["Thank you, that was fast. I feel a lot safer now.", "I reset my password. Is there anything else I should do?"],
    },
    Situation {
        key: "delivery",
        subjects: &["Order {order} hasn't arrived", "Package marked delivered but not here", "Delivery date keeps moving"],
        angry: &[
            "Great, another delay. Order {order} was supposed to arrive last week and I'm still waiting. Worst service ever.",
            "Tracking says delivered but there is NO package. I paid {amount} for express shipping!",
        ],
        worried: &[
            "My order {order} is a birthday present for Saturday and the tracking hasn't updated in four days. Will it make it?",
        ],
        calm: &["Hi, could you tell me when order {order} is expected? The tracking page is blank."],
        agent: &[
            "I'm really sorry, {name}. The carrier lost track of order {order}; I've shipped a replacement by express at no cost and it arrives tomorrow.",
            "Hi {name}, I checked with the carrier: order {order} is at the local depot and will be delivered on Friday.",
        ],
        follow_up: &["It arrived just in time for the party. You saved the day!", "Still no package. I'm running out of patience.", "Thanks for checking."],
    },
    Situation {
        key: "defect",
        subjects: &["Blender stopped working after a week", "Screen cracked out of the box", "Charger overheats"],
        angry: &[
            "The {amount} blender I bought died after one week. Cheap junk. I want my money back, not excuses.",
            "The screen was cracked when I opened the box. I'm furious, this was a gift.",
        ],
        worried: &["My charger gets really hot and smells odd. Is it safe to keep using it?"],
        calm: &["The left speaker crackles at high volume. Is this a known issue?"],
        agent: &[
            "That's not the quality we promise, {name}. A replacement is on its way and here is a prepaid label for the faulty one. — {agent}",
            "Please stop using the charger, {name}. We're sending a new one today and recalling that batch.",
        ],
        follow_up: &["The new one works perfectly. Thanks for making it right.", "Replacement arrived but it has the same problem."],
    },
    Situation {
        key: "account_access",
        subjects: &["Can't log in", "Password reset email never arrives", "Two-factor code not working"],
        angry: &["I've tried resetting my password five times and the email NEVER arrives. This is ridiculous."],
        worried: &["I'm locked out and I need my invoices for my tax return tomorrow. Can you help urgently?"],
        calm: &["My two-factor codes stopped working after I changed phones. How do I move them?"],
        agent: &[
            "Hi {name}, your reset emails were blocked by a spam filter. I've sent a fresh link from a different address; it's valid for an hour.",
            "I've reset your two-factor setup, {name}. You can enrol your new phone at the next sign-in.",
        ],
        follow_up: &["I'm in! Thank you so much.", "The link expired before I saw it, can you send another?"],
    },
    Situation {
        key: "how_to",
        subjects: &["How do I export my data?", "Sharing a list with family", "Setting up notifications"],
        angry: &["Why is it so hard to find the export button? I've been clicking around for half an hour."],
        worried: &["I'm not very technical and I'm afraid of deleting something. How do I share a list safely?"],
        calm: &["Is there a way to get a weekly summary email instead of daily ones?", "How do I export my order history as CSV?"],
        agent: &[
            "Good question, {name}! Go to Settings → Data → Export and choose CSV. I've attached a short guide with screenshots.",
            "You can switch to a weekly summary under Settings → Notifications, {name}. Nothing gets deleted there.",
        ],
        follow_up: &["Found it, thanks for the clear steps!", "Perfect, that's exactly what I needed."],
    },
    Situation {
        key: "praise",
        subjects: &["Thank you!", "Your agent was wonderful", "Great experience"],
        angry: &["Honestly I was ready to cancel, but {agent} turned it around. Thank you."],
        worried: &["I was nervous about the move to the new plan, but it went smoothly. Thanks to the team."],
        calm: &[
            "Just wanted to say thank you. {agent} solved my problem in minutes and was so kind.",
            "Love the new app update, it's so much faster. Great job everyone!",
        ],
        agent: &["Thank you for taking the time to write, {name}! I'll share this with the team — it made our day."],
        follow_up: &["Have a lovely week!"],
    },
];

pub struct ForumTopic {
    pub category: &'static str,
    pub titles: &'static [&'static str],
    pub openers: &'static [&'static str],
    pub replies: &'static [&'static str],
}

pub const FORUM_CATEGORIES: &[(&str, &str, &str)] = &[
    ("getting-started", "Getting started", "New here? Setting up your account, plans and first steps."),
    ("billing", "Billing & payments", "Invoices, refunds, plans and payment methods."),
    ("delivery", "Orders & delivery", "Tracking, shipping times and returns."),
    ("account-security", "Account & security", "Signing in, passwords, two-factor and keeping your account safe."),
    ("product-help", "Product help", "Tips, how-tos and troubleshooting from other customers."),
    ("experiences", "Share your experience", "Tell the community how you were helped — or what could be better."),
];

pub const FORUM_TOPICS: &[ForumTopic] = &[
    ForumTopic {
        category: "getting-started",
        titles: &["Which plan is right for a family of four?", "First week with Rapport — tips welcome", "How do I invite my partner?"],
        openers: &["I just signed up and I'm not sure which plan makes sense for us. What did you choose and why?", "Any tips for a newcomer? I'd love to hear what you wish you had known in your first week."],
        replies: &["We went with Family and it paid for itself in a month.", "Start with Plus; you can upgrade any time without losing anything.", "Settings → Members → Invite. Your partner gets an email link."],
    },
    ForumTopic {
        category: "billing",
        titles: &["Refund timing after a double charge", "Can I pay yearly?", "Invoice for my company"],
        openers: &["I was charged twice and support refunded one. How long did your refund take to show up?", "Is there a discount for paying yearly instead of monthly?"],
        replies: &["Mine took four business days with my bank.", "Yes, yearly saves about two months' worth.", "You can add your VAT number under Billing → Details before the invoice is issued."],
    },
    ForumTopic {
        category: "delivery",
        titles: &["Tracking stuck at 'label created'", "Package delivered to a neighbour", "Express vs standard — worth it?"],
        openers: &["My tracking has said 'label created' for three days. Is that normal?", "Has anyone had a parcel left with a neighbour without a note?"],
        replies: &["That happened to me too; it updated once the carrier scanned it at the depot.", "Support sent me a replacement the same day when mine went missing.", "Express was worth it for me around the holidays."],
    },
    ForumTopic {
        category: "account-security",
        titles: &["Setting up two-factor on a new phone", "Got a suspicious login email", "Password reset email not arriving"],
        openers: &["I changed phones and my authenticator codes no longer work. How did you fix it?", "I received an email about a login I don't recognise. Is it a phishing attempt?"],
        replies: &["Check the sender address; real ones come from the official domain.", "Support reset my two-factor in five minutes.", "Look in the spam folder — mine was there."],
    },
    ForumTopic {
        category: "product-help",
        titles: &["Exporting order history as CSV", "Weekly summary instead of daily emails", "Blender making a grinding noise"],
        openers: &["Is there a way to export everything as a spreadsheet?", "My blender started grinding after a month. Anyone else?"],
        replies: &["Settings → Data → Export, then choose CSV.", "Mine did that when the blade wasn't seated properly.", "Contact support — they replaced mine under warranty without any fuss."],
    },
    ForumTopic {
        category: "experiences",
        titles: &["Support turned a terrible week around", "Shout-out to the delivery team", "What I learned from a lost package"],
        openers: &["My package was lost before my daughter's birthday and the agent shipped a replacement overnight. I was so relieved.", "I was ready to cancel after a billing mistake, but the way it was handled changed my mind."],
        replies: &["Love reading stories like this!", "Same here — they really listen.", "Thanks for sharing, it gives me hope about my own ticket."],
    },
];
