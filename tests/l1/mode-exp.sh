lkvm run -k /guest/Image -i /guest/initrd.cpio.gz -c 2 -m 256 --sdei --dump-dtb /tmp/sdei.dtb -p "lkvmtest.action=poweroff" </dev/null > /tmp/o 2>&1
echo "exit $?"
grep -iE "sdei|L2-INIT|lkvm:" /tmp/o | sed 's/^/bench exp: /'
