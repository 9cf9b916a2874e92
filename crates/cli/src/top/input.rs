//! `rvsadm top`'s keys: a key event becomes an [`Action`], and an action
//! changes the model (pure: the terminal is read by the caller).

use super::model::{Column, Model};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave (`q`, Ctrl-C).
    Quit,
    /// Stop or resume the refreshes (`p`, space).
    Pause,
    /// Open the filter prompt (`/`).
    Prompt,
    /// A character typed into the prompt.
    Type(char),
    /// Remove the prompt's last character.
    Erase,
    /// Keep the prompt's text as the filter (Enter).
    Keep,
    /// Close the prompt and clear the filter (Esc in the prompt).
    Clear,
    /// Sort by a column (`1`-`9`; again: the other way round).
    Sort(Column),
    /// Turn the order round (`r`).
    Reverse,
    /// Move the selection (up/down, `k`/`j`).
    Move(isize),
    /// The selected service's detail (Enter).
    Open,
    /// Back to the table (Esc, Backspace, `h`).
    Back,
}

/// The action of a terminal event, if any (`prompt`: the filter prompt is
/// open, so keys are text).
pub fn action(ev: &Event, prompt: bool) -> Option<Action> {
    let Event::Key(k) = ev else { return None };
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if prompt {
        return prompt_key(k);
    }
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('p') | KeyCode::Char(' ') => Action::Pause,
        KeyCode::Char('/') => Action::Prompt,
        KeyCode::Char('r') => Action::Reverse,
        KeyCode::Char(c @ '1'..='9') => {
            let i = c.to_digit(10).map_or(0, |d| d as usize - 1);
            Action::Sort(*Column::ALL.get(i)?)
        }
        KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
        KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
        KeyCode::PageUp => Action::Move(-10),
        KeyCode::PageDown => Action::Move(10),
        KeyCode::Enter | KeyCode::Char('l') => Action::Open,
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('h') => Action::Back,
        _ => return None,
    })
}

fn prompt_key(k: &KeyEvent) -> Option<Action> {
    Some(match k.code {
        KeyCode::Enter => Action::Keep,
        KeyCode::Esc => Action::Clear,
        KeyCode::Backspace => Action::Erase,
        KeyCode::Char(c) => Action::Type(c),
        _ => return None,
    })
}

/// Apply `a` to the model; `false` when it asks to quit.
pub fn apply(m: &mut Model, a: Action) -> bool {
    match a {
        Action::Quit => return false,
        Action::Pause => m.paused = !m.paused,
        Action::Prompt => m.prompt = Some(m.filter.clone()),
        Action::Type(c) => {
            if let Some(p) = &mut m.prompt {
                p.push(c);
                m.filter = p.clone();
            }
        }
        Action::Erase => {
            if let Some(p) = &mut m.prompt {
                p.pop();
                m.filter = p.clone();
            }
        }
        Action::Keep => m.prompt = None,
        Action::Clear => {
            m.prompt = None;
            m.filter.clear();
        }
        Action::Sort(c) => m.sort_by(c),
        Action::Reverse => m.descending = !m.descending,
        Action::Move(n) => m.move_selection(n),
        Action::Open => m.open(),
        Action::Back => m.detail = None,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action(&key(KeyCode::Char('q')), false), Some(Action::Quit));
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(action(&ctrl_c, true), Some(Action::Quit));
        assert_eq!(
            action(&key(KeyCode::Char('5')), false),
            Some(Action::Sort(Column::Cps))
        );
        assert_eq!(
            action(&key(KeyCode::Char('q')), true),
            Some(Action::Type('q'))
        );
        assert_eq!(action(&key(KeyCode::Char('x')), false), None);
        assert_eq!(action(&Event::FocusGained, false), None);
    }

    #[test]
    fn the_prompt_filters_as_typed() {
        let mut m = Model::default();
        assert!(apply(&mut m, Action::Prompt));
        for c in "udp".chars() {
            apply(&mut m, Action::Type(c));
        }
        assert_eq!(m.filter, "udp");
        apply(&mut m, Action::Erase);
        apply(&mut m, Action::Keep);
        assert_eq!((m.filter.as_str(), m.prompt.is_none()), ("ud", true));
        apply(&mut m, Action::Prompt);
        apply(&mut m, Action::Clear);
        assert!(m.filter.is_empty());
        apply(&mut m, Action::Pause);
        assert!(m.paused);
        assert!(!apply(&mut m, Action::Quit));
    }
}
