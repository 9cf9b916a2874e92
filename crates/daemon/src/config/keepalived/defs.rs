//! `$NAME=VALUE` definitions and their substitution, following keepalived
//! 2.2.7's `lib/parser.c` (`check_definition`, `find_definition`,
//! `replace_param`, `set_std_definitions`).

/// keepalived's `MAXBUF`: a line longer than this after substitution is
/// an error (keepalived stops substituting and logs "would exceed maximum
/// line length").
pub const MAX_LINE: usize = 1023;

/// Substitutions on one line before the reader gives up: a definition
/// that refers to itself (keepalived loops forever on `$A=$A`).
const MAX_SUBSTITUTIONS: usize = 2000;

/// What a definition's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Text, one line or several (joined by `\n`).
    Text(String),
    /// `${_PWD}`: the directory of the file being read.
    Pwd,
    /// `${_INSTANCE}`: the config id.
    Instance,
    /// `${_RANDOM [MIN [MAX]]}`.
    Random,
}

#[derive(Debug, Clone)]
struct Def {
    name: String,
    value: Value,
    multiline: bool,
}

/// What substitution needs from the reader.
pub struct Context<'a> {
    /// `${_PWD}`.
    pub pwd: &'a str,
    /// `${_INSTANCE}`.
    pub instance: &'a str,
    /// The state of `${_RANDOM}`'s generator.
    pub random: &'a mut u64,
    /// Substitutions left for the whole file (with its includes).
    pub budget: &'a mut usize,
}

/// Substitutions in a whole configuration before the reader gives up.
pub const MAX_TOTAL_SUBSTITUTIONS: usize = 200_000;

/// The result of substituting a line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Substituted {
    /// Anything was replaced.
    pub changed: bool,
    /// The further lines of multi-line definitions used at the end of the
    /// line, in the order they are to be read.
    pub more: Vec<String>,
    /// `${NAME}` references to no definition, left as written.
    pub undefined: Vec<String>,
}

/// The definitions in force.
#[derive(Debug, Clone)]
pub struct Defs {
    defs: Vec<Def>,
}

impl Default for Defs {
    fn default() -> Self {
        let std = |name: &str, value| Def {
            name: name.into(),
            value,
            multiline: false,
        };
        Self {
            defs: vec![
                std("_PWD", Value::Pwd),
                std("_INSTANCE", Value::Instance),
                std("_RANDOM", Value::Random),
                std("_HASH", Value::Text("#".into())),
                std("_BANG", Value::Text("!".into())),
            ],
        }
    }
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// A definition line `$NAME=VALUE` (no blank before `=`): the name, the
/// value without its leading blanks, and whether it ends with `\` (a
/// multi-line definition; the `\` and the blanks before it removed).
pub fn parse_definition(line: &str) -> Option<(&str, String, bool)> {
    let b = line.as_bytes();
    if b.first() != Some(&b'$') || !b.get(1).is_some_and(|&c| is_name_start(c)) {
        return None;
    }
    let end = b[2..]
        .iter()
        .position(|&c| !is_name(c))
        .map_or(b.len(), |p| p + 2);
    if b.get(end) != Some(&b'=') {
        return None;
    }
    let value = line[end + 1..].trim_start_matches([' ', '\t']);
    match value.strip_suffix('\\') {
        Some(first) => Some((
            &line[1..end],
            first.trim_end_matches([' ', '\t']).to_string(),
            true,
        )),
        None => Some((&line[1..end], value.to_string(), false)),
    }
}

/// A reference at the start of `s` (just after a `$`): its length
/// without the `$`, the name, the parameters, and whether it ends `s`.
fn reference(s: &str) -> Option<(usize, &str, Option<&str>, bool)> {
    let b = s.as_bytes();
    let braces = b.first() == Some(&b'{');
    let start = usize::from(braces);
    if !b.get(start).is_some_and(|&c| is_name_start(c)) {
        return None;
    }
    let name_end = b[start..]
        .iter()
        .position(|&c| !is_name(c))
        .map_or(b.len(), |p| p + start);
    let name = &s[start..name_end];
    if !braces {
        return match b.get(name_end) {
            None | Some(b' ' | b'\t' | b',' | b')') => {
                Some((name_end, name, None, name_end == b.len()))
            }
            _ => None,
        };
    }
    let params_end = b[name_end..]
        .iter()
        .position(|&c| c != b' ' && !c.is_ascii_digit())
        .map_or(b.len(), |p| p + name_end);
    if b.get(params_end) != Some(&b'}') {
        return None;
    }
    let params = s[name_end..params_end].trim_start_matches(' ');
    if params.ends_with(' ') || (params.is_empty() && params_end != name_end) {
        return None;
    }
    let params = (!params.is_empty()).then_some(params);
    Some((params_end + 1, name, params, params_end + 1 == b.len()))
}

impl Defs {
    /// Define (or redefine, a predefined one too) `name`.
    pub fn set(&mut self, name: &str, value: String, multiline: bool) {
        let def = Def {
            name: name.to_string(),
            value: Value::Text(value),
            multiline,
        };
        match self.defs.iter_mut().find(|d| d.name == name) {
            Some(d) => *d = def,
            None => self.defs.push(def),
        }
    }

    /// Add `line` to the multi-line definition `name` being read.
    pub fn append(&mut self, name: &str, line: &str) {
        if let Some(Def {
            value: Value::Text(v),
            ..
        }) = self.defs.iter_mut().find(|d| d.name == name)
        {
            if !v.is_empty() && !v.ends_with('\n') {
                v.push('\n');
            }
            v.push_str(line);
        }
    }

    /// End the multi-line definition `name`: one with no text at all is
    /// an ordinary empty definition.
    pub fn finish(&mut self, name: &str) {
        if let Some(d) = self.defs.iter_mut().find(|d| d.name == name) {
            if d.value == Value::Text(String::new()) {
                d.multiline = false;
            }
        }
    }

    /// Replace the references in `line` (`replace_param`): `$NAME`
    /// followed by a blank, `,`, `)` or the end, and `${NAME}` anywhere;
    /// a replaced value is scanned again (references inside it resolve
    /// now); a value starting with `~` stops the scan. A multi-line
    /// definition is used only at the end of a line: its first line
    /// takes the reference's place, the others are returned.
    ///
    /// # Errors
    /// The line grows past [`MAX_LINE`] or never stops changing.
    pub fn substitute(&self, line: &mut String, ctx: &mut Context) -> Result<Substituted, String> {
        let mut out = Substituted::default();
        let mut pos = 0;
        let mut count = 0;
        while let Some(off) = line[pos..].find('$') {
            let at = pos + off;
            let Some((len, name, params, at_end)) = reference(&line[at + 1..]) else {
                pos = at + 1;
                continue;
            };
            let (name, params) = (name.to_string(), params.map(str::to_string));
            let params = params.as_deref();
            let def = self
                .defs
                .iter()
                .find(|d| d.name == name && (at_end || !d.multiline))
                .filter(|d| params.is_none() || d.value == Value::Random);
            let Some(def) = def else {
                if line.as_bytes()[at + 1] == b'{' && !out.undefined.contains(&name) {
                    out.undefined.push(name);
                }
                pos = at + 1;
                continue;
            };
            let value = match &def.value {
                Value::Text(t) => t.clone(),
                Value::Pwd => ctx.pwd.to_string(),
                Value::Instance => ctx.instance.to_string(),
                Value::Random => random(params, ctx.random),
            };
            let first = if def.multiline {
                let mut lines = value.split('\n');
                let first = lines.next().unwrap_or_default().to_string();
                let rest: Vec<String> = lines.map(str::to_string).collect();
                out.more.splice(0..0, rest);
                first
            } else {
                value
            };
            line.replace_range(at..at + 1 + len, &first);
            out.changed = true;
            count += 1;
            if line.len() > MAX_LINE {
                return Err(format!(
                    "substituting ${name} makes the line longer than {MAX_LINE} characters \
                     (keepalived's limit): shorten the definition or check that it does not refer to itself"
                ));
            }
            *ctx.budget = ctx.budget.checked_sub(1).ok_or_else(|| {
                format!(
                    "more than {MAX_TOTAL_SUBSTITUTIONS} substitutions in the configuration: \
                     check for definitions or ~SEQ ranges that expand too much"
                )
            })?;
            if count > MAX_SUBSTITUTIONS {
                return Err(format!(
                    "substituting ${name} never ends: a definition refers to itself; change it"
                ));
            }
            if first.trim_start_matches([' ', '\t']).starts_with('~') {
                break;
            }
            pos = at;
        }
        Ok(out)
    }
}

/// `${_RANDOM [MIN [MAX]]}`: an integer in `[MIN, MAX]`, default
/// `[0, 32767]`.
fn random(params: Option<&str>, state: &mut u64) -> String {
    let mut nums = params
        .unwrap_or_default()
        .split(' ')
        .filter(|p| !p.is_empty());
    let min: u64 = nums.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let max: u64 = nums.next().and_then(|n| n.parse().ok()).unwrap_or(32767);
    // xorshift64*: no cryptographic need, only keepalived's "some number".
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
    match max.checked_sub(min).and_then(|span| span.checked_add(1)) {
        Some(span) => (min + r % span).to_string(),
        None => min.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(defs: &Defs, line: &str) -> (String, Substituted) {
        let mut seed = 7;
        let mut ctx = Context {
            pwd: "/etc/keepalived",
            instance: "lb1",
            random: &mut seed,
            budget: &mut 10,
        };
        let mut l = line.to_string();
        let s = defs.substitute(&mut l, &mut ctx).unwrap();
        (l, s)
    }

    #[test]
    fn definition_lines() {
        assert_eq!(parse_definition("$A=1"), Some(("A", "1".into(), false)));
        assert_eq!(
            parse_definition("$_x9=  a b"),
            Some(("_x9", "a b".into(), false))
        );
        assert_eq!(parse_definition("$E="), Some(("E", String::new(), false)));
        assert_eq!(
            parse_definition("$M=first  \\"),
            Some(("M", "first".into(), true))
        );
        assert_eq!(parse_definition("$A =1"), None);
        assert_eq!(parse_definition("$1A=1"), None);
        assert_eq!(parse_definition("$A"), None);
    }

    #[test]
    fn references_need_a_separator_or_braces() {
        let mut d = Defs::default();
        d.set("IP", "10.0.0.1".into(), false);
        assert_eq!(sub(&d, "real_server $IP 80").0, "real_server 10.0.0.1 80");
        assert_eq!(sub(&d, "x $IP,$IP)").0, "x 10.0.0.1,10.0.0.1)");
        assert_eq!(sub(&d, "x $IPx").0, "x $IPx");
        assert_eq!(sub(&d, "x ${IP}x").0, "x 10.0.0.1x");
        let (l, s) = sub(&d, "x ${NOPE} $NOPE $5");
        assert_eq!(l, "x ${NOPE} $NOPE $5");
        assert!(!s.changed);
        assert_eq!(s.undefined, ["NOPE"]);
    }

    #[test]
    fn substitution_is_recursive_at_use_time() {
        let mut d = Defs::default();
        d.set("BASE", "10.2.${SUB}".into(), false);
        d.set("SUB", "0".into(), false);
        assert_eq!(sub(&d, "${BASE}.100/32").0, "10.2.0.100/32");
        d.set("SUB", "10".into(), false);
        assert_eq!(sub(&d, "${BASE}.100/32").0, "10.2.10.100/32");
    }

    #[test]
    fn predefined_names() {
        let d = Defs::default();
        assert_eq!(
            sub(&d, "a ${_PWD} ${_INSTANCE} \"${_HASH}${_BANG}\"").0,
            "a /etc/keepalived lb1 \"#!\""
        );
        let (l, _) = sub(&d, "w ${_RANDOM 5 7}");
        let n: u32 = l[2..].parse().unwrap();
        assert!((5..=7).contains(&n), "{l}");
        assert_eq!(sub(&d, "w ${_HASH 5}").0, "w ${_HASH 5}");
        assert_eq!(sub(&d, "w ${_RANDOM 5 }").0, "w ${_RANDOM 5 }");
    }

    #[test]
    fn multiline_definitions_only_at_the_end_of_a_line() {
        let mut d = Defs::default();
        d.set("RS", "real_server 1.1.1.1 80 {".into(), true);
        d.append("RS", "weight 2");
        d.append("RS", "}");
        let (l, s) = sub(&d, "$RS");
        assert_eq!(l, "real_server 1.1.1.1 80 {");
        assert_eq!(s.more, ["weight 2", "}"]);
        assert_eq!(sub(&d, "$RS x").0, "$RS x");
        d.set("E", String::new(), true);
        d.finish("E");
        assert_eq!(sub(&d, "a ${E}b").0, "a b");
    }

    #[test]
    fn self_reference_is_an_error() {
        let mut d = Defs::default();
        d.set("A", "x$A".into(), false);
        let mut seed = 1;
        let mut budget = MAX_TOTAL_SUBSTITUTIONS;
        let mut ctx = Context {
            pwd: "/",
            instance: "i",
            random: &mut seed,
            budget: &mut budget,
        };
        assert!(d
            .substitute(&mut "$A".to_string(), &mut ctx)
            .unwrap_err()
            .contains("longer than"));
        d.set("A", "$A".into(), false);
        assert!(d
            .substitute(&mut "$A".to_string(), &mut ctx)
            .unwrap_err()
            .contains("never ends"));
    }

    #[test]
    fn the_budget_of_the_whole_file_runs_out() {
        let mut d = Defs::default();
        d.set("A", "a".into(), false);
        let (mut seed, mut budget) = (1, 3);
        let mut ctx = Context {
            pwd: "/",
            instance: "i",
            random: &mut seed,
            budget: &mut budget,
        };
        assert!(d.substitute(&mut "$A $A $A".to_string(), &mut ctx).is_ok());
        let e = d.substitute(&mut "$A".to_string(), &mut ctx).unwrap_err();
        assert!(e.contains("more than 200000 substitutions"), "{e}");
    }

    #[test]
    fn a_value_starting_with_tilde_stops_the_scan() {
        let mut d = Defs::default();
        d.set("S", "~SEQ(I,1,2) x $J".into(), false);
        d.set("J", "j".into(), false);
        assert_eq!(sub(&d, "$S").0, "~SEQ(I,1,2) x $J");
    }
}
