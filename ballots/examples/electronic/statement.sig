×mÌTVcš?o½þAX^Vßô µûy¬lÆ\
†Û,bAipª	©\Òeoýž»ûÂˆàCöV×d