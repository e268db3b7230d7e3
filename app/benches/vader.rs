//! Throughput of the emotion engine on typical customer messages (270–300 characters), single
//! core: reference VADER alone, and the whole analysis (extended score, emotions, intents,
//! situation); and the tone check on a 2,000-character draft.
//! `cargo bench -p app --bench vader`; `app/benches/compare_python.py` compares with Python.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const MESSAGES: &[&str] = &[
    "You charged my card twice for $129.00. This is the third time I'm asking for this to be fixed! \
     I have been a customer for six years and I have never been treated like this. Please refund the duplicate today, or I will cancel my plan and move to another bank. I expect an answer from a person this time.",
    "Great, another delay. Order #482913 was supposed to arrive last week and I'm still waiting. \
     The tracking page hasn't changed in four days and nobody answers the chat. Honestly, what am I paying for? I need it before Friday for my son's birthday, so please check with the courier.",
    "Just wanted to say thank you! Sam solved my problem in minutes and was so kind about it. \
     I was really stressed about the missing refund, but now everything is sorted. You made my week, truly :) I will tell all my friends how well you treated me. Have a lovely weekend!",
    "Hi, my latest invoice lists the Pro plan but I'm on Plus. Could you correct it when you have a moment? \
     It's not urgent, I'd just like the paperwork to be right for my accountant before the end of the month. Thanks in advance for your help with this, and have a good day.",
];

fn throughput(c: &mut Criterion) {
    // Load the lexicons outside the measurement.
    black_box(app::emotion::analyze("warm up"));
    let bytes: usize = MESSAGES.iter().map(|m| m.len()).sum();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    group.bench_function(format!("vader polarity_scores ({} messages, {bytes} bytes)", MESSAGES.len()), |b| {
        b.iter(|| {
            for message in MESSAGES {
                black_box(app::emotion::vader::polarity_scores(black_box(message)));
            }
        })
    });
    group.bench_function(format!("full analyze ({} messages, {bytes} bytes)", MESSAGES.len()), |b| {
        b.iter(|| {
            for message in MESSAGES {
                black_box(app::emotion::analyze(black_box(message)));
            }
        })
    });
    group.finish();

    let sentence = "I have looked into your order and the replacement is on its way to you today. ";
    let draft: String = sentence.repeat(2000 / sentence.len() + 1).chars().take(2000).collect();
    let context = app::emotion::tone::ToneContext { customer_upset: true, situation: Some(app::emotion::situation::Situation::Delivery) };
    let mut tone = c.benchmark_group("tone");
    tone.throughput(Throughput::Bytes(draft.len() as u64));
    tone.bench_function("tone check (2,000-character draft)", |b| {
        b.iter(|| black_box(app::emotion::tone::check(black_box(&draft), &context)))
    });
    tone.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
