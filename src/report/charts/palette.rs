//! Colours of the charts: one palette for a light page, one for a dark one.
//!
//! Owns the colour of every series; drawing code names a role (`th.ready`), never a hue.

use plotters::style::RGBColor;

use super::Theme;

/// Colours: Okabe-Ito hues, which stay apart for colour-blind readers, on either page.
pub(super) struct Palette {
    pub(super) bg: RGBColor,
    pub(super) fg: RGBColor,
    pub(super) muted: RGBColor,
    pub(super) grid: RGBColor,
    pub(super) frame: RGBColor,
    pub(super) load: RGBColor,
    pub(super) spec: RGBColor,
    pub(super) desired: RGBColor,
    pub(super) ready: RGBColor,
    pub(super) starting: RGBColor,
    pub(super) pending: RGBColor,
    pub(super) limits: RGBColor,
    pub(super) nodes: RGBColor,
    pub(super) failed: RGBColor,
    pub(super) action: RGBColor,
    pub(super) up: RGBColor,
    pub(super) down: RGBColor,
    pub(super) observed: RGBColor,
    pub(super) actual: RGBColor,
    pub(super) target: RGBColor,
    pub(super) p50: RGBColor,
    pub(super) p95: RGBColor,
    pub(super) p99: RGBColor,
    pub(super) violation: RGBColor,
    pub(super) variants: [RGBColor; 7],
}

pub(super) fn palette(theme: Theme) -> Palette {
    let blue = RGBColor(0x00, 0x72, 0xB2);
    let sky = RGBColor(0x56, 0xB4, 0xE9);
    let green = RGBColor(0x00, 0x9E, 0x73);
    let orange = RGBColor(0xE6, 0x9F, 0x00);
    let vermillion = RGBColor(0xD5, 0x5E, 0x00);
    let purple = RGBColor(0xCC, 0x79, 0xA7);
    match theme {
        Theme::Light => Palette {
            bg: RGBColor(0xFF, 0xFF, 0xFF),
            fg: RGBColor(0x20, 0x22, 0x26),
            muted: RGBColor(0x55, 0x5B, 0x63),
            grid: RGBColor(0xE4, 0xE6, 0xEA),
            frame: RGBColor(0xB8, 0xBC, 0xC4),
            load: RGBColor(0x6A, 0x4C, 0x93),
            spec: blue,
            desired: RGBColor(0x20, 0x22, 0x26),
            ready: green,
            starting: orange,
            // Waiting for room: a neutral grey, apart from every hue that moves.
            pending: RGBColor(0x8C, 0x8C, 0x8C),
            limits: RGBColor(0x7A, 0x80, 0x88),
            nodes: RGBColor(0x44, 0x44, 0x44),
            failed: vermillion,
            action: purple,
            up: vermillion,
            down: sky,
            observed: blue,
            actual: RGBColor(0x9A, 0xA0, 0xA8),
            target: vermillion,
            p50: green,
            p95: orange,
            p99: vermillion,
            violation: vermillion,
            variants: [
                blue,
                vermillion,
                green,
                purple,
                orange,
                sky,
                RGBColor(0x44, 0x44, 0x44),
            ],
        },
        Theme::Dark => {
            // Dark blue vanishes on a dark page: a lighter blue takes its place.
            let light_blue = RGBColor(0x4D, 0xA6, 0xFF);
            Palette {
                bg: RGBColor(0x16, 0x18, 0x1D),
                fg: RGBColor(0xE8, 0xEA, 0xED),
                muted: RGBColor(0xA8, 0xAE, 0xB6),
                grid: RGBColor(0x2C, 0x30, 0x38),
                frame: RGBColor(0x4A, 0x50, 0x5A),
                load: RGBColor(0xB3, 0x9D, 0xDB),
                spec: light_blue,
                desired: RGBColor(0xE8, 0xEA, 0xED),
                ready: green,
                starting: orange,
                pending: RGBColor(0xB4, 0xB4, 0xB4),
                limits: RGBColor(0x9A, 0xA0, 0xA8),
                nodes: RGBColor(0xCC, 0xCC, 0xCC),
                failed: vermillion,
                action: purple,
                up: vermillion,
                down: sky,
                observed: light_blue,
                actual: RGBColor(0x7A, 0x80, 0x88),
                target: vermillion,
                p50: green,
                p95: orange,
                p99: vermillion,
                violation: vermillion,
                variants: [
                    light_blue,
                    vermillion,
                    green,
                    purple,
                    orange,
                    sky,
                    RGBColor(0xCC, 0xCC, 0xCC),
                ],
            }
        }
    }
}
