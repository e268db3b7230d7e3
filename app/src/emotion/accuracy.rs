//! How well scores agree with human ratings: Pearson correlation and 3-class F1.

/// Pearson's r of two equally long series; `None` when undefined (fewer than two points or
/// a series without variance).
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let (mean_x, mean_y) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let (mut covariance, mut var_x, mut var_y) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let (dx, dy) = (x - mean_x, y - mean_y);
        covariance += dx * dy;
        var_x += dx * dx;
        var_y += dy * dy;
    }
    (var_x > 0.0 && var_y > 0.0).then(|| covariance / (var_x.sqrt() * var_y.sqrt()))
}

/// Negative, neutral or positive, with the usual VADER threshold of ±0.05.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Polarity3 {
    Negative,
    Neutral,
    Positive,
}

pub fn classify(score: f64) -> Polarity3 {
    if score > 0.05 {
        Polarity3::Positive
    } else if score < -0.05 {
        Polarity3::Negative
    } else {
        Polarity3::Neutral
    }
}

/// Macro-averaged F1 over the three classes (a class absent from both series is skipped).
pub fn macro_f1(gold: &[Polarity3], predicted: &[Polarity3]) -> f64 {
    let classes = [Polarity3::Negative, Polarity3::Neutral, Polarity3::Positive];
    let mut f1s = Vec::new();
    for class in classes {
        let pairs = gold.iter().zip(predicted);
        let true_pos = pairs.clone().filter(|(g, p)| **g == class && **p == class).count() as f64;
        let predicted_pos = predicted.iter().filter(|p| **p == class).count() as f64;
        let actual_pos = gold.iter().filter(|g| **g == class).count() as f64;
        if predicted_pos == 0.0 && actual_pos == 0.0 {
            continue;
        }
        let precision = if predicted_pos > 0.0 { true_pos / predicted_pos } else { 0.0 };
        let recall = if actual_pos > 0.0 { true_pos / actual_pos } else { 0.0 };
        f1s.push(if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 });
    }
    if f1s.is_empty() {
        0.0
    } else {
        f1s.iter().sum::<f64>() / f1s.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_known_series() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn f1_of_known_predictions() {
        use Polarity3::*;
        assert_eq!(macro_f1(&[Positive, Negative], &[Positive, Negative]), 1.0);
        // Positive: P=1/2, R=1 → 2/3; Negative: P=0, R=0 → 0; mean 1/3.
        let f1 = macro_f1(&[Positive, Negative], &[Positive, Positive]);
        assert!((f1 - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(classify(0.05), Neutral);
        assert_eq!(classify(0.0501), Positive);
    }
}
