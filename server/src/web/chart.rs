//! A small SVG line chart of a measure: its values over time (starting from the baseline),
//! against horizontal lines at the baseline and the target. The chart is an image with a
//! `<title>` and a `<desc>` that say in words what it shows; the page puts the values in a table
//! beside it, so nothing is only in the picture.
//!
//! `Chart::new` does the arithmetic (pure, unit-tested); `svg` draws it. Values are drawn from
//! `Decimal::approximate`: floats are fine for pixels and never reach hashed data.

use maud::{Markup, html};
use wsoa_core::Date;
use wsoa_core::plan::MeasureView;

use crate::web::widgets::amount;

/// The drawing's size in SVG units (it scales to the page's width).
pub const WIDTH: f64 = 480.0;
/// The drawing's height.
pub const HEIGHT: f64 = 200.0;
/// Room for the value labels on the left.
const LEFT: f64 = 64.0;
/// Room on the right for the last point.
const RIGHT: f64 = 16.0;
/// Room above the top line for its label.
const TOP: f64 = 20.0;
/// Room for the dates along the bottom.
const BOTTOM: f64 = 28.0;

/// The plotting area: where points may fall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    /// Left edge.
    pub left: f64,
    /// Right edge.
    pub right: f64,
    /// Top edge.
    pub top: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Area {
    /// Whether a point lies inside (edges included).
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= self.left && x <= self.right && y >= self.top && y <= self.bottom
    }
}

/// A measure, laid out for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The plotting area.
    pub area: Area,
    /// The line: the baseline, then each value, by date (SVG coordinates).
    pub points: Vec<(f64, f64)>,
    /// Where the baseline's horizontal line is (y).
    pub baseline_y: f64,
    /// Where the target's horizontal line is (y).
    pub target_y: f64,
    /// The first and last dates along the bottom.
    pub dates: (Date, Date),
    /// How many values were recorded (the baseline not counted).
    pub values: usize,
    /// The trajectory as steps (SVG coordinates): from the baseline, level until each point's
    /// date, then up or down to its value, and level to the right edge. Empty without one.
    pub trajectory: Vec<(f64, f64)>,
    /// The trajectory's points themselves (SVG coordinates), each marked on the steps.
    pub trajectory_points: Vec<(f64, f64)>,
}

/// The numbers a chart is drawn from, taken from a measure.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The baseline's date and value.
    pub baseline: (Date, f64),
    /// The target's date and value.
    pub target: (Date, f64),
    /// The values recorded, each with its date, in the order recorded.
    pub values: Vec<(Date, f64)>,
    /// The values expected on the way to the target, in date order (none without one).
    pub trajectory: Vec<(Date, f64)>,
}

impl Series {
    /// A measure's numbers.
    pub fn of(measure: &MeasureView) -> Series {
        Series {
            baseline: (measure.baseline_on, measure.baseline.approximate()),
            target: (measure.target_by, measure.target.approximate()),
            values: measure
                .values
                .iter()
                .map(|value| (value.cite.on, value.value.approximate()))
                .collect(),
            trajectory: measure
                .trajectory
                .iter()
                .map(|point| (point.on, point.value.approximate()))
                .collect(),
        }
    }
}

impl Chart {
    /// Lays out a series: dates run left to right from the earliest of the baseline and the
    /// values to the latest of the target date and the values; values run bottom to top over
    /// the baseline, the target and every value, with a tenth of the range spare at each end.
    pub fn new(series: &Series) -> Chart {
        let area = Area {
            left: LEFT,
            right: WIDTH - RIGHT,
            top: TOP,
            bottom: HEIGHT - BOTTOM,
        };
        let days = |date: Date| date.days_since_epoch() as f64;
        let mut line: Vec<(Date, f64)> = vec![series.baseline];
        let mut values = series.values.clone();
        // A stable sort keeps values of the same day in the order they were recorded.
        values.sort_by_key(|(date, _)| *date);
        line.extend(values.iter().copied());

        let first = line
            .iter()
            .map(|(date, _)| *date)
            .min()
            .unwrap_or(series.baseline.0);
        let last = line
            .iter()
            .map(|(date, _)| *date)
            .chain([series.target.0])
            .chain(series.trajectory.iter().map(|(date, _)| *date))
            .max()
            .unwrap_or(series.target.0);
        let (mut x0, mut x1) = (days(first), days(last));
        if x1 - x0 < 1.0 {
            // Everything on one day: centre it.
            x0 -= 1.0;
            x1 += 1.0;
        }

        let numbers = line
            .iter()
            .map(|(_, value)| *value)
            .chain([series.target.1])
            .chain(series.trajectory.iter().map(|(_, value)| *value))
            .filter(|value| value.is_finite());
        let (mut low, mut high) = numbers
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !low.is_finite() || !high.is_finite() {
            (low, high) = (0.0, 1.0);
        }
        if (high - low).abs() < f64::EPSILON {
            // A flat line: give it a range around its value so it sits in the middle.
            let pad = if low.abs() > 1.0 {
                low.abs() / 10.0
            } else {
                1.0
            };
            low -= pad;
            high += pad;
        } else {
            let pad = (high - low) / 10.0;
            low -= pad;
            high += pad;
        }

        let x = |date: Date| area.left + (days(date) - x0) / (x1 - x0) * (area.right - area.left);
        let y = |value: f64| {
            let value = if value.is_finite() { value } else { low };
            area.bottom - (value - low) / (high - low) * (area.bottom - area.top)
        };
        let mut trajectory = Vec::new();
        if !series.trajectory.is_empty() {
            let mut level = series.baseline.1;
            trajectory.push((x(series.baseline.0), y(level)));
            for (date, value) in &series.trajectory {
                trajectory.push((x(*date), y(level)));
                trajectory.push((x(*date), y(*value)));
                level = *value;
            }
            trajectory.push((area.right, y(level)));
        }
        let trajectory_points = series
            .trajectory
            .iter()
            .map(|(date, value)| (x(*date), y(*value)))
            .collect();
        Chart {
            area,
            trajectory,
            trajectory_points,
            points: line
                .iter()
                .map(|(date, value)| (x(*date), y(*value)))
                .collect(),
            baseline_y: y(series.baseline.1),
            target_y: y(series.target.1),
            dates: (first, last),
            values: series.values.len(),
        }
    }
}

/// "Mar 2021": a short date for an axis.
fn short(date: Date) -> String {
    format!("{} {}", &date.month_name()[..3], date.year())
}

/// The chart of a measure as inline SVG, labelled for assistive technology. `id` makes the
/// title and description ids unique on the page.
pub fn svg(measure: &MeasureView, id: &str) -> Markup {
    let chart = Chart::new(&Series::of(measure));
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let latest = measure.latest().map_or_else(
        || "No values have been recorded yet.".to_owned(),
        |value| {
            format!(
                "The latest value is {} on {}.",
                amount(value.value.as_str(), &measure.unit),
                value.cite.on.long()
            )
        },
    );
    let expected = if measure.trajectory.is_empty() {
        String::new()
    } else {
        let points: Vec<String> = measure
            .trajectory
            .iter()
            .map(|point| {
                format!(
                    "{} by {}",
                    amount(point.value.as_str(), &measure.unit),
                    point.on.long()
                )
            })
            .collect();
        format!(
            " The trajectory, drawn as steps, expects {}.",
            points.join(", ")
        )
    };
    let description = format!(
        "Line chart of {} values. Baseline {} on {}; target {} by {}. {latest}{expected}",
        chart.values,
        amount(measure.baseline.as_str(), &measure.unit),
        measure.baseline_on.long(),
        amount(measure.target.as_str(), &measure.unit),
        measure.target_by.long(),
    );
    let polyline: String = chart
        .points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let steps: String = chart
        .trajectory
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let area = chart.area;
    // Both values are labelled on the value axis, at their lines (4 units lower, to sit on
    // the line's middle); when the lines are close, the labels move apart.
    let (mut baseline_label_y, mut target_label_y) = (chart.baseline_y + 4.0, chart.target_y + 4.0);
    if (chart.baseline_y - chart.target_y).abs() < 14.0 {
        let middle = (baseline_label_y + target_label_y) / 2.0;
        let (upper, lower) = (middle - 7.0, middle + 7.0);
        if chart.baseline_y >= chart.target_y {
            (baseline_label_y, target_label_y) = (lower, upper);
        } else {
            (baseline_label_y, target_label_y) = (upper, lower);
        }
    }
    html! {
        svg.app-chart xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
            role="img" aria-labelledby=(format!("{title_id} {desc_id}")) focusable="false"
            data-testid=(format!("chart-{}", measure.id)) {
            title id=(title_id) { (measure.id) ": " (measure.title) }
            desc id=(desc_id) { (description) }
            // Axes.
            line x1=(area.left) y1=(area.top) x2=(area.left) y2=(area.bottom) stroke="#0b0c0c" stroke-width="1" {}
            line x1=(area.left) y1=(area.bottom) x2=(area.right) y2=(area.bottom) stroke="#0b0c0c" stroke-width="1" {}
            // The baseline and the target.
            line.chart__baseline x1=(area.left) y1=(fmt(chart.baseline_y)) x2=(area.right) y2=(fmt(chart.baseline_y))
                stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4" {}
            line.chart__target x1=(area.left) y1=(fmt(chart.target_y)) x2=(area.right) y2=(fmt(chart.target_y))
                stroke="#00703c" stroke-width="2" stroke-dasharray="2 3" {}
            text x=(area.left - 6.0) y=(fmt(baseline_label_y)) text-anchor="end" font-size="12" fill="#505a5f" {
                (amount(measure.baseline.as_str(), &measure.unit))
            }
            text x=(area.left - 6.0) y=(fmt(target_label_y)) text-anchor="end" font-size="12" fill="#00703c" {
                (amount(measure.target.as_str(), &measure.unit))
            }
            // Dates along the bottom.
            text x=(area.left) y=(HEIGHT - 8.0) font-size="12" fill="#0b0c0c" { (short(chart.dates.0)) }
            text x=(area.right) y=(HEIGHT - 8.0) text-anchor="end" font-size="12" fill="#0b0c0c" { (short(chart.dates.1)) }
            // The trajectory, as steps, with its points marked.
            @if !chart.trajectory.is_empty() {
                polyline.chart__trajectory points=(steps) fill="none" stroke="#4c2c92" stroke-width="2" stroke-dasharray="8 3" {}
                @for (x, y) in &chart.trajectory_points {
                    rect.chart__trajectory-point x=(fmt(x - 3.5)) y=(fmt(y - 3.5)) width="7" height="7" fill="#4c2c92" {}
                }
            }
            // The values.
            @if chart.values > 0 {
                polyline.chart__line points=(polyline) fill="none" stroke="#1d70b8" stroke-width="3" stroke-linejoin="round" {}
            }
            @for (i, (x, y)) in chart.points.iter().enumerate() {
                @if i == 0 {
                    circle cx=(fmt(*x)) cy=(fmt(*y)) r="4" fill="#ffffff" stroke="#505a5f" stroke-width="2" {}
                } @else {
                    circle.chart__point cx=(fmt(*x)) cy=(fmt(*y)) r="4" fill="#1d70b8" {}
                }
            }
        }
        ul.app-chart-legend aria-hidden="true" {
            li { span.app-chart-legend__key {} "Values" }
            li { span.app-chart-legend__key.app-chart-legend__key--baseline {} "Baseline" }
            li { span.app-chart-legend__key.app-chart-legend__key--target {} "Target" }
            @if !measure.trajectory.is_empty() {
                li { span.app-chart-legend__key.app-chart-legend__key--trajectory {} "Trajectory" }
            }
        }
    }
}

fn fmt(value: f64) -> String {
    format!("{value:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().expect("date")
    }

    fn series(baseline: f64, target: f64, values: &[(&str, f64)]) -> Series {
        Series {
            baseline: (day("2021-03-31"), baseline),
            target: (day("2022-09-30"), target),
            values: values.iter().map(|(d, v)| (day(d), *v)).collect(),
            trajectory: Vec::new(),
        }
    }

    #[test]
    fn points_scale_into_the_box_in_date_order() {
        let chart = Chart::new(&series(
            40.0,
            60.0,
            &[
                ("2022-06-30", 58.0),
                ("2021-12-31", 45.0),
                ("2022-03-31", 1000.0),
            ],
        ));
        assert_eq!(chart.points.len(), 4, "the baseline and three values");
        for point in &chart.points {
            assert!(
                chart.area.contains(*point),
                "{point:?} outside {:?}",
                chart.area
            );
        }
        let xs: Vec<f64> = chart.points.iter().map(|(x, _)| *x).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "sorted by date: {xs:?}");
        // The outlier (third by date) is the highest point, with a tenth of the range above it.
        let top = chart.points[2].1;
        assert!(chart.points.iter().all(|(_, y)| *y >= top));
        assert!(top > chart.area.top && top < chart.area.top + 20.0, "{top}");
        assert_eq!(chart.dates, (day("2021-03-31"), day("2022-09-30")));
    }

    #[test]
    fn a_single_value_and_a_flat_line_are_drawn_inside() {
        let chart = Chart::new(&series(40.0, 40.0, &[("2021-12-31", 40.0)]));
        assert_eq!(chart.values, 1);
        for point in &chart.points {
            assert!(chart.area.contains(*point));
        }
        let middle = (chart.area.top + chart.area.bottom) / 2.0;
        assert!(
            (chart.baseline_y - middle).abs() < 0.001,
            "a flat line sits in the middle"
        );
        // Everything on one day still spreads over the box rather than dividing by zero.
        let one_day = Chart::new(&Series {
            baseline: (day("2021-03-31"), 1.0),
            target: (day("2021-03-31"), 2.0),
            values: vec![(day("2021-03-31"), 1.5)],
            trajectory: Vec::new(),
        });
        assert!(
            one_day
                .points
                .iter()
                .all(|p| one_day.area.contains(*p) && p.0.is_finite())
        );
    }

    #[test]
    fn a_target_above_the_baseline_is_drawn_higher_and_below_lower() {
        let rising = Chart::new(&series(40.0, 60.0, &[]));
        assert!(rising.target_y < rising.baseline_y, "SVG y grows downwards");
        let falling = Chart::new(&series(20.0, 5.0, &[("2021-12-31", 12.0)]));
        assert!(falling.target_y > falling.baseline_y);
        for y in [falling.baseline_y, falling.target_y] {
            assert!(y >= falling.area.top && y <= falling.area.bottom);
        }
    }

    #[test]
    fn a_trajectory_is_drawn_as_steps_inside_the_box() {
        let mut with = series(30.0, 60.0, &[("2022-03-31", 45.0)]);
        with.trajectory = vec![(day("2021-12-31"), 40.0), (day("2023-03-31"), 70.0)];
        let chart = Chart::new(&with);
        // Baseline, then two corners per point, then the right edge.
        assert_eq!(chart.trajectory.len(), 1 + 2 * 2 + 1);
        assert_eq!(chart.trajectory_points.len(), 2);
        for point in chart.trajectory.iter().chain(&chart.trajectory_points) {
            assert!(chart.area.contains(*point), "{point:?}");
        }
        // Steps: each corner pair shares its x; level runs share their y.
        assert_eq!(chart.trajectory[1].0, chart.trajectory[2].0);
        assert_eq!(chart.trajectory[0].1, chart.trajectory[1].1);
        assert_eq!(chart.trajectory[2].1, chart.trajectory[3].1);
        // The last point, beyond the target's date and value, widens the box to hold it.
        assert_eq!(chart.dates.1, day("2023-03-31"));
        let top = chart.trajectory_points[1].1;
        assert!(
            chart.points.iter().all(|(_, y)| *y > top),
            "70 is the highest"
        );
        assert!(Chart::new(&series(30.0, 60.0, &[])).trajectory.is_empty());
    }

    #[test]
    fn no_values_draws_no_line_but_says_so() {
        let chart = Chart::new(&series(40.0, 60.0, &[]));
        assert_eq!(chart.values, 0);
        assert_eq!(chart.points.len(), 1, "only the baseline");
        let measure = MeasureView {
            id: "M1".to_owned(),
            title: "EHC plans within <20> weeks".to_owned(),
            unit: "%".to_owned(),
            baseline: "40".parse().expect("decimal"),
            baseline_on: day("2021-03-31"),
            target: "60".parse().expect("decimal"),
            target_by: day("2022-09-30"),
            better: wsoa_core::event::Direction::HigherIsBetter,
            weaknesses: vec!["W1".to_owned()],
            values: Vec::new(),
            cite: wsoa_core::plan::Cite {
                seq: 3,
                on: day("2021-09-06"),
                by: "A. Patel".to_owned(),
            },
            definition: None,
            period: None,
            trajectory: Vec::new(),
            amended: Vec::new(),
        };
        let svg = svg(&measure, "chart-m1").into_string();
        assert!(!svg.contains("<polyline"), "{svg}");
        assert!(svg.contains("No values have been recorded yet."));
        assert!(svg.contains(
            "<title id=\"chart-m1-title\">M1: EHC plans within &lt;20&gt; weeks</title>"
        ));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(">60%</text>"), "the target is labelled: {svg}");
    }
}
