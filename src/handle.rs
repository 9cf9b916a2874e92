//! The [`Ipvs`] handle: one netlink socket, every IPVS operation.
