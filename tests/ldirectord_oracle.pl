#!/usr/bin/perl
# ldirectord's own reading of a configuration file, parse only: the oracle
# of `rvsadmd check --ldirectord` (tests/ldirectord_oracle.rs).
#
#   perl tests/ldirectord_oracle.pl /usr/sbin/ldirectord FILE
#
# Loads ldirectord's program text without its main program (the part
# between its "# main code" and "# functions" comments: starting the
# daemon, touching IPVS), then calls its read_config on FILE, as when it
# reloads (a refusal dies instead of exiting) and in debug mode (-d:
# messages go to standard error, no log file is opened). Nothing of
# ldirectord's is copied here: its own subs run.
#
# Standard output: `accepted`, then one line per virtual service and per
# real server ldirectord built:
#   virtual ID scheduler=S persistent=P netmask=M
#   real ADDRESS:PORT FORWARD WEIGHT
#   fallback ADDRESS:PORT FORWARD
# or `refused` (ldirectord's message, with its line, is on standard
# error: "Error [PID] reading file FILE at line N: MESSAGE").
use strict;
use warnings;

my ($program, $file) = @ARGV;
defined $file or die "usage: $0 /usr/sbin/ldirectord FILE\n";

open(my $fh, '<', $program) or die "cannot read $program: $!\n";
my $text = do { local $/; <$fh> };
close($fh);

my $main = index($text, "\n# main code\n");
my $subs = index($text, "\n# functions\n");
($main >= 0 and $subs > $main)
    or die "$program: its main program is not where 4.12 has it\n";
substr($text, $main, $subs - $main) = "\n";

# ldirectord's option parsing reads @ARGV: debug mode.
@ARGV = ('-d');
$ENV{PERLIO} = 'perlio';    # else it re-executes itself
{
    no strict;
    no warnings;
    eval $text;
    die "loading $program: $@" if $@;
}

no strict 'vars';
no warnings 'once';
$main::CONFIG = $file;
$main::CFGNAME = 'oracle';
$main::HOSTNAME = 'oracle';
# reloading: config_error dies instead of exiting
$main::DAEMON_STATUS = $main::DAEMON_STATUS_RUNNING;

my $ok = eval { main::read_config(); 1 };
if (!$ok) {
    print "refused\n";
    exit 0;
}
print "accepted\n";
for my $v (@main::VIRTUAL) {
    my $id = main::get_virtual_id_str($v);
    my $p = defined $v->{persistent} ? $v->{persistent} : '-';
    my $m = defined $v->{netmask} ? $v->{netmask} : '-';
    print "virtual $id scheduler=$v->{scheduler} persistent=$p netmask=$m\n";
    for my $r (@{ $v->{real} }) {
        print "real $r->{server}:$r->{port} $r->{forward} $r->{weight}\n";
    }
    # the virtual's own fallback, else the global one (ldirectord applies
    # it when it runs: fallback_find; it dies on a firewall mark's)
    if (my $f = eval { main::fallback_find($v) }) {
        my $port = defined $f->{port} ? $f->{port} : '-';
        print "fallback $f->{server}:$port $f->{forward}\n";
    }
}
