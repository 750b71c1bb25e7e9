"""Agency accounts: an agency's staff sign in to the console and accept or decline the referrals made to it."""
