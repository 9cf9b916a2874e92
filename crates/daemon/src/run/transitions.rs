//! Destinations up or down and quorums gained or lost, told once the
//! table is written: as events (which the hooks hear) and as lines of
//! the notify FIFO.

use super::Daemon;
use crate::engine::Transition;
use crate::events::Event;
use crate::service;

impl Daemon {
    /// Tell each destination the depool floor began or stopped keeping
    /// in since the last call (a `depool_floor` event each).
    pub(super) fn tell_floor(&mut self) {
        for ((service, dest), kept) in self.engine.take_floor_changes() {
            if kept {
                self.metrics.floor_kept(&(service, dest));
            }
            Event::DepoolFloor {
                service: service::format(&service),
                destination: dest.to_string(),
                kept,
                health: self.engine.verdict(&(service, dest)).state.name(),
            }
            .emit();
        }
    }

    /// Tell each change the decisions saw since the last call, in order.
    pub(super) fn tell_transitions(&mut self) {
        for t in self.engine.take_transitions() {
            event(&t).emit();
            self.fifo.tell(&t);
        }
    }
}

/// The event of `t`.
fn event(t: &Transition) -> Event {
    match *t {
        Transition::Destination {
            service,
            destination,
            up,
        } => {
            let (service, destination) = (service::format(&service), destination.to_string());
            if up {
                Event::DestinationUp {
                    service,
                    destination,
                }
            } else {
                Event::DestinationDown {
                    service,
                    destination,
                }
            }
        }
        Transition::Quorum {
            service,
            up,
            weight,
        } => {
            let service = service::format(&service);
            if up {
                Event::QuorumGained { service, weight }
            } else {
                Event::QuorumLost { service, weight }
            }
        }
    }
}
