//! Natural-language material for demo data: names and message templates per situation and mood.
//! `{name}`, `{agent}`, `{order}` and `{amount}` are filled in by the generator.

pub const FIRST_NAMES: &[&str] = &[
    "Amara", "Ben", "Chen", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Maya", "Noah", "Olga", "Pedro",
    "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Aisha", "Bruno", "Clara", "Dmitri", "Emma", "Felix",
    "Gita", "Hannah", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nina", "Oscar", "Priya", "Rafael", "Sofia", "Tomás", "Uma", "Victor",
    "Wanjiru", "Yara", "Zaid",
];

pub const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Schmidt",
    "Wang",
    "Levi",
    "Yilmaz",
    "Haddad",
    "Murphy",
    "Tanaka",
    "Moreau",
    "Berg",
    "Iyer",
    "O'Brien",
    "Cohen",
    "Silva",
    "Petrova",
    "Santos",
    "Walsh",
    "García",
    "Nieminen",
    "Kapoor",
    "Rahman",
    "Novak",
    "Liu",
    "Hernández",
    "Demir",
    "Fischer",
    "Mensah",
    "Rossi",
    "Kowalski",
    "Andersen",
    "Nakamura",
    "Dubois",
    "Costa",
    "Ivanova",
    "Brown",
    "Müller",
    "Khan",
    "Lopez",
    "Jensen",
    "Park",
];

pub const PLANS: &[&str] = &["Starter", "Plus", "Pro", "Family"];

/// One kind of customer problem, with how people write about it.
pub struct Situation {
    pub key: &'static str,
    pub angry: &'static [&'static str],
    pub worried: &'static [&'static str],
    pub calm: &'static [&'static str],
    pub agent: &'static [&'static str],
    pub follow_up: &'static [&'static str],
}

pub const SITUATIONS: &[Situation] = &[
    Situation {
        key: "billing",
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

/// A forum thread as people write it: a title, the opening post, and replies that answer it.
pub struct ForumThreadText {
    pub category: &'static str,
    pub title: &'static str,
    pub opener: &'static str,
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

pub const FORUM_THREADS: &[ForumThreadText] = &[
    ForumThreadText {
        category: "getting-started",
        title: "Which plan is right for a family of four?",
        opener: "I just signed up and I'm not sure which plan makes sense for us. What did you choose and why?",
        replies: &[
            "We went with Family and it paid for itself in a month.",
            "Start with Plus; you can upgrade any time without losing anything.",
            "Family lets everyone have their own login, which saved us a lot of arguments.",
        ],
    },
    ForumThreadText {
        category: "getting-started",
        title: "How do I invite my partner?",
        opener: "I'd like my partner to see our orders too. Where do I invite them?",
        replies: &[
            "Settings → Members → Invite. Your partner gets an email link.",
            "The invite link expires after a week, so tell them to check their inbox.",
            "Worked for me, but it went to my husband's spam folder first.",
        ],
    },
    ForumThreadText {
        category: "billing",
        title: "Refund timing after a double charge",
        opener: "I was charged twice and support refunded one. How long did your refund take to show up?",
        replies: &[
            "Mine took four business days with my bank.",
            "Credit cards are usually faster than debit cards, in my experience.",
            "If it takes more than a week, reply to your ticket — they can send the bank reference.",
        ],
    },
    ForumThreadText {
        category: "billing",
        title: "Can I pay yearly?",
        opener: "Is there a discount for paying yearly instead of monthly?",
        replies: &[
            "Yes, yearly saves about two months' worth.",
            "You can switch under Billing → Plan; the unused month is credited.",
            "I switched last spring, no problems at all.",
        ],
    },
    ForumThreadText {
        category: "delivery",
        title: "Tracking stuck at 'label created'",
        opener: "My tracking has said 'label created' for three days. Is that normal?",
        replies: &[
            "That happened to me too; it updated once the carrier scanned it at the depot.",
            "Over the holidays it took four days before the first scan.",
            "If nothing changes after five days, support can open a trace with the carrier.",
        ],
    },
    ForumThreadText {
        category: "delivery",
        title: "Package delivered to a neighbour",
        opener: "Has anyone had a parcel left with a neighbour without a note?",
        replies: &[
            "Check the photo in the tracking page — it usually shows the door.",
            "Support sent me a replacement the same day when mine went missing.",
            "You can set 'no neighbour delivery' in your delivery preferences.",
        ],
    },
    ForumThreadText {
        category: "account-security",
        title: "Setting up two-factor on a new phone",
        opener: "I changed phones and my authenticator codes no longer work. How did you fix it?",
        replies: &[
            "Use one of your backup codes to sign in, then re-enrol the new phone.",
            "Support reset my two-factor in five minutes after verifying my identity.",
            "Print the backup codes this time — lesson learned for me.",
        ],
    },
    ForumThreadText {
        category: "account-security",
        title: "Got a suspicious login email",
        opener: "I received an email about a login I don't recognise. Is it a phishing attempt?",
        replies: &[
            "Check the sender address; real ones come from the official domain.",
            "Don't click the link — sign in directly and look at your active sessions.",
            "I had the same; 'sign out everywhere' and a new password sorted it.",
        ],
    },
    ForumThreadText {
        category: "product-help",
        title: "Exporting order history as CSV",
        opener: "Is there a way to export everything as a spreadsheet?",
        replies: &[
            "Settings → Data → Export, then choose CSV.",
            "The export includes returns too, which surprised me in a good way.",
            "It opens fine in LibreOffice if you pick UTF-8.",
        ],
    },
    ForumThreadText {
        category: "product-help",
        title: "Blender making a grinding noise",
        opener: "My blender started grinding after a month. Anyone else?",
        replies: &[
            "Mine did that when the blade wasn't seated properly.",
            "Contact support — they replaced mine under warranty without any fuss.",
            "Try running it empty for a few seconds; if it still grinds, it's the bearing.",
        ],
    },
    ForumThreadText {
        category: "experiences",
        title: "Support turned a terrible week around",
        opener: "My package was lost before my daughter's birthday and the agent shipped a replacement overnight. I was so relieved.",
        replies: &[
            "Love reading stories like this!",
            "Same here — they really listen.",
            "Thanks for sharing, it gives me hope about my own ticket.",
        ],
    },
    ForumThreadText {
        category: "experiences",
        title: "I almost cancelled — glad I didn't",
        opener: "I was ready to cancel after a billing mistake, but the way it was handled changed my mind.",
        replies: &[
            "That's how it should be. Thanks for posting.",
            "Which agent was it? Mine was great too.",
            "Good to hear the follow-up actually happened.",
        ],
    },
];
