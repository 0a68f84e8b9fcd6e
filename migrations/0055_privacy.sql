-- Events carry no guest contact any more (reservation.created v2): notifications reads the
-- guest's name and e-mail from the reservation when it queues an e-mail, so its copy of them
-- goes.
drop table notifications.guests;
