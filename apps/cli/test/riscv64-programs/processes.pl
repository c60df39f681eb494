# fork and waitpid, Perl's interpreter threads, and a socket pair.
use strict;
use warnings;
use Socket;
use threads;

$| = 1;
my $pid = fork;
if (!$pid) {
  print "child\n";
  exit 3;
}
waitpid($pid, 0);
print 'parent saw ', $? >> 8, "\n";
my @workers = map { threads->create(sub { my $n = shift; my $s = 0; $s += $_ for 1 .. $n * 1000; $s }, $_) } 1 .. 4;
print join(',', map { $_->join } @workers), "\n";
socketpair(my $left, my $right, AF_UNIX, SOCK_STREAM, PF_UNSPEC) or die "socketpair: $!";
syswrite $left, 'ping';
sysread $right, my $buffer, 4;
print "$buffer\n";
